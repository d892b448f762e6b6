import Foundation
import GlossCore

/// One W3C Web Annotation read from a file: a note (a commenting body, with the quote it
/// highlights when its target has a `TextQuoteSelector`) or tags (tagging bodies) on the
/// paper its target's source names.
public struct ImportedAnnotation: Sendable, Equatable {
  public enum Body: Sendable, Equatable {
    case note(String)
    case tags([String])
  }

  /// The annotation's `id`, when it has one (`urn:gloss:note:…` for Gloss's own export).
  public let id: String?
  /// The paper: `https://doi.org/…`, a PubMed URL or `urn:gloss:record:…`.
  public let source: String
  /// The `TextQuoteSelector`'s `exact` text.
  public let quote: String?
  public let body: Body
  /// The line where the annotation starts, for messages.
  public let line: Int
}

/// W3C Web Annotation files (JSON-LD), as `gloss export --format annotations` writes them
/// and other annotation tools do: an `AnnotationCollection` (its `first` page's `items`), an
/// `AnnotationPage`, an array of annotations or one annotation. Read with Gloss's own JSON
/// parser (nesting bounded); a file that is not JSON is refused whole, an annotation Gloss
/// cannot use is skipped with its line and the reason.
public enum W3CAnnotationsImport {
  /// Whether `head`, the start of a JSON file, is annotations rather than CSL-JSON.
  static func looksLikeAnnotations(_ head: Substring) -> Bool {
    head.contains("\"AnnotationCollection\"") || head.contains("\"AnnotationPage\"")
      || head.contains("www.w3.org/ns/anno.jsonld") || head.contains("\"Annotation\"")
  }

  public static func annotations(in data: Data) -> (
    annotations: [ImportedAnnotation], skipped: [(line: Int, reason: String)], error: String?
  ) {
    guard let text = String(validating: data, as: UTF8.self) else {
      return ([], [], "is not valid UTF-8 text")
    }
    let document: JSONValue
    do {
      document = try JSONValue(parsing: text)
    } catch {
      return ([], [], "is not valid JSON (\(error))")
    }
    let items: [JSONValue]
    switch document {
    case .array(let values): items = values
    case .object:
      if case .array(let values)? = document["first"]?["items"] {
        items = values
      } else if case .array(let values)? = document["items"] {
        items = values
      } else if isAnnotation(document) {
        items = [document]
      } else {
        return ([], [], "holds no annotations (no AnnotationCollection, AnnotationPage or Annotation)")
      }
    default: return ([], [], "holds no annotations")
    }
    let lines = LineLocator(text)
    var annotations: [ImportedAnnotation] = []
    var skipped: [(line: Int, reason: String)] = []
    for (index, item) in items.enumerated() {
      let id = item["id"]?.stringValue ?? item["@id"]?.stringValue
      let line = id.map { lines.line(of: "\"" + $0 + "\"") } ?? 0
      let name = id ?? "annotation \(index + 1)"
      guard isAnnotation(item) else {
        skipped.append((line, "\(name) is not an Annotation"))
        continue
      }
      guard let (source, quote) = target(item["target"]) else {
        skipped.append((line, "\(name) has no target with a source"))
        continue
      }
      var notes: [String] = []
      var tags: [String] = []
      var bodies: [JSONValue] = []
      if case .array(let values)? = item["body"] { bodies = values } else if let body = item["body"] { bodies = [body] }
      for body in bodies {
        guard let value = body["value"]?.stringValue ?? body.stringValue.map({ _ in "" }), !value.isEmpty else {
          continue
        }
        if body["purpose"]?.stringValue == "tagging" { tags.append(value) } else { notes.append(value) }
      }
      if let value = item["bodyValue"]?.stringValue, !value.isEmpty { notes.append(value) }
      if !notes.isEmpty {
        annotations.append(
          ImportedAnnotation(
            id: id, source: source, quote: quote, body: .note(notes.joined(separator: "\n\n")), line: line))
      }
      if !tags.isEmpty {
        annotations.append(ImportedAnnotation(id: id, source: source, quote: nil, body: .tags(tags), line: line))
      }
      if notes.isEmpty && tags.isEmpty { skipped.append((line, "\(name) has no textual body")) }
    }
    return (annotations, skipped, nil)
  }

  static func isAnnotation(_ item: JSONValue) -> Bool {
    let type = item["type"] ?? item["@type"]
    return type?.stringValue == "Annotation" || type?.arrayValue?.contains(.string("Annotation")) == true
  }

  /// The target's source IRI and its quote: a bare IRI, a `SpecificResource`, or the first
  /// of an array of either.
  static func target(_ target: JSONValue?) -> (String, String?)? {
    switch target {
    case .string(let iri)?: return (iri, nil)
    case .array(let values)?: return values.lazy.compactMap { Self.target($0) }.first
    case .object?:
      guard let source = target?["source"]?.stringValue ?? target?["source"]?["id"]?.stringValue else { return nil }
      var selectors: [JSONValue] = []
      if case .array(let values)? = target?["selector"] {
        selectors = values
      } else if let one = target?["selector"] {
        selectors = [one]
      }
      let quote = selectors.first { $0["type"]?.stringValue == "TextQuoteSelector" }?["exact"]?.stringValue
      return (source, quote)
    default: return nil
    }
  }
}

/// Line numbers of text positions, for messages about JSON files.
struct LineLocator {
  let text: String

  init(_ text: String) { self.text = text }

  /// The line of the first occurrence of `needle`, or 0.
  func line(of needle: String) -> Int {
    guard let range = text.range(of: needle) else { return 0 }
    return text[..<range.lowerBound].utf8.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
  }
}
