import GlossCore
import GlossImport
import GlossStore

/// Puts W3C annotations read from a file (`W3CAnnotationsImport`) back on the records they
/// target: a note becomes a note (a highlight when its quote is found in the record's
/// title or abstract), tags become tags. A paper the store does not have is skipped with
/// the reason; a note already there (same id, or same text on the same quote) and tags
/// the record has are left alone, so that importing a file twice adds nothing.
enum AnnotationImport {
  static func apply(
    _ annotations: [ImportedAnnotation], skipped: [(line: Int, reason: String)], session: WriteSession
  ) throws -> ImportSummary {
    var summary = ImportSummary()
    summary.ofAnnotations = true
    for skip in skipped { summary.skipped.append(skip) }
    let reader = session.reader
    for annotation in annotations {
      guard let record = try record(annotation.source, reader: reader) else {
        summary.skipped.append((annotation.line, "no record in this store is \(annotation.source)"))
        continue
      }
      switch annotation.body {
      case .note(let text):
        let present = try reader.notes(record: record).contains { note in
          annotation.id == "urn:gloss:note:" + note.id || (note.body == text && note.anchor?.exact == annotation.quote)
        }
        if present {
          summary.unchanged += 1
          continue
        }
        guard let publication = try reader.publication(num: record.num) else { continue }
        // A quote the record's text no longer holds keeps its words, in the note.
        let quote = annotation.quote.flatMap { TextAnchor.locate($0, in: publication) == nil ? nil : $0 }
        let body = annotation.quote != nil && quote == nil ? "“\(annotation.quote!)” \(text)" : text
        _ = try session.addNote(record, text: body, quote: quote)
        summary.new += 1
        summary.operations += 1
      case .tags(let tags):
        let have = Set(try reader.annotationSummary(record: record.num).tags.map(TagName.key))
        let missing = tags.filter { TagName.isValid($0) && !have.contains(TagName.key($0)) }
        if missing.isEmpty {
          summary.unchanged += 1
          continue
        }
        summary.operations += try session.tag(record, missing).count
        summary.merged += 1
      }
    }
    return summary
  }

  /// The record a target's source names: by DOI, by PubMed id, or by Gloss record id.
  static func record(_ source: String, reader: StoreReader) throws -> RecordRef? {
    let lowered = source.lowercased()
    if lowered.hasPrefix("urn:gloss:record:") {
      return try? reader.resolveRecord(String(source.dropFirst("urn:gloss:record:".count)))
    }
    var doi = ""
    var pmid = ""
    if let range = source.range(of: "doi.org/", options: .caseInsensitive) {
      doi = Identifiers.doi(String(source[range.upperBound...])) ?? ""
    } else if lowered.hasPrefix("doi:") {
      // `Identifiers.doi` drops the `doi:` itself.
      doi = Identifiers.doi(source) ?? ""
    } else if let range = source.range(of: "pubmed.ncbi.nlm.nih.gov/", options: .caseInsensitive) {
      pmid = Identifiers.pmid(String(source[range.upperBound...]).trimmingCharacters(in: ["/"])) ?? ""
    }
    guard let found = try reader.matchingRecord(doi: doi, pmid: pmid) else { return nil }
    return try reader.resolveRecord(found.id)
  }
}
