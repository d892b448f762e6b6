import Foundation
import GlossCore
import GlossStore

/// Notes and tags as W3C Web Annotations: one JSON-LD `AnnotationCollection` whose page
/// holds an `Annotation` per note (a `TextualBody` commenting; for a highlight, a
/// `SpecificResource` target with the note's `TextQuoteSelector`) and one per tagged
/// record (`TextualBody`s with `"purpose": "tagging"`). The target's source is the paper:
/// its DOI, else its PubMed page, else `urn:gloss:record:ID`. `W3CAnnotationsImport` reads
/// it back.
public struct AnnotationsExport: RecordExporter {
  public init() {}

  public static let context = "http://www.w3.org/ns/anno.jsonld"

  public var header: String {
    """
    {"@context":"\(Self.context)","id":"urn:gloss:annotations","type":"AnnotationCollection",\
    "label":"Gloss notes and tags","first":{"type":"AnnotationPage","items":[

    """
  }
  public var separator: String { ",\n" }
  public var footer: String { "\n]}}\n" }

  public func entry(_ exported: ExportedRecord) -> String {
    Self.annotations(exported).map(\.canonical).joined(separator: ",\n")
  }

  public static func annotations(_ exported: ExportedRecord) -> [JSONValue] {
    var items: [JSONValue] = []
    let source = exported.sourceIRI
    for note in exported.notes {
      var target: JSONValue = .string(source)
      if let anchor = note.anchor {
        target = .object([
          "type": .string("SpecificResource"), "source": .string(source),
          "selector": .object([
            "type": .string("TextQuoteSelector"), "exact": .string(anchor.exact), "prefix": .string(anchor.prefix),
            "suffix": .string(anchor.suffix),
          ]),
        ])
      }
      items.append(
        .object([
          "id": .string("urn:gloss:note:" + note.id), "type": .string("Annotation"),
          "motivation": .string(note.anchor == nil ? "commenting" : "highlighting"),
          "creator": .object(["type": .string("Person"), "name": .string(note.author)]),
          "created": .string(timestamp(note.created)), "modified": .string(timestamp(note.modified)),
          "body": .object([
            "type": .string("TextualBody"), "value": .string(note.body), "format": .string("text/plain"),
            "purpose": .string("commenting"),
          ]),
          "target": target,
        ]))
    }
    if !exported.annotations.tags.isEmpty {
      items.append(
        .object([
          "id": .string("urn:gloss:tags:" + exported.record.id), "type": .string("Annotation"),
          "motivation": .string("tagging"),
          "body": .array(
            exported.annotations.tags.map { tag in
              .object(["type": .string("TextualBody"), "value": .string(tag), "purpose": .string("tagging")])
            }),
          "target": .string(source),
        ]))
    }
    return items
  }

  /// `2026-11-28T07:10:00Z`: xsd:dateTime in UTC, as the model asks.
  static func timestamp(_ time: HLCTimestamp) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: Date(timeIntervalSince1970: Double(time.milliseconds) / 1000))
  }
}
