import Foundation
import GlossCore

/// The formats `gloss import` reads, detected from a file's content, never its name.
public enum ImportFormat: String, CaseIterable, Sendable {
  case cancerindex, bibtex, ris, medline, pubmedXML = "pubmed-xml", cslJSON = "csl-json", annotations

  /// A library file is read whole; this bounds what one file may hold.
  public static let maximumBytes = 256 << 20

  /// The format of the file at `path`, from its first 64 KiB.
  public static func detect(path: String) throws(ImportError) -> ImportFormat {
    let handle = try LineReader.open(path)
    defer { try? handle.close() }
    return detect((try? handle.read(upToCount: 64 << 10)) ?? Data())
  }

  /// The format of `data`, from its first 64 KiB: XML with a PubMed root, JSON, an RIS
  /// `TY  - ` (or Web of Science `PT `) line, a MEDLINE `PMID- ` line, a BibTeX `@type{`;
  /// anything else is taken for a CancerIndex page, whose reader says if it is not one.
  public static func detect(_ data: Data) -> ImportFormat {
    let head = String(decoding: data.prefix(64 << 10), as: UTF8.self)
    let trimmed = head.drop { $0 == "\u{FEFF}" || $0.isWhitespace }
    if trimmed.hasPrefix("<") { return .pubmedXML }
    if trimmed.hasPrefix("[") || trimmed.hasPrefix("{") {
      return W3CAnnotationsImport.looksLikeAnnotations(trimmed) ? .annotations : .cslJSON
    }
    var bibtex = false
    for line in head.split(separator: "\n", omittingEmptySubsequences: true).prefix(2_000) {
      let text = line.drop { $0 == "\u{FEFF}" }
      if RISImport.tagged(String(text))?.0 == "TY" { return .ris }
      if text.hasPrefix("PT ") || text.hasPrefix("FN Clarivate") || text.hasPrefix("FN Thomson") { return .ris }
      if text.hasPrefix("PMID-") { return .medline }
      let code = text.drop { $0 == " " || $0 == "\t" }
      if !bibtex, code.first == "@" {
        let type = code.dropFirst().prefix { $0.isLetter }
        let after = code.dropFirst(1 + type.count).drop { $0 == " " || $0 == "\t" }
        bibtex = !type.isEmpty && (after.first == "{" || after.first == "(")
      }
    }
    return bibtex ? .bibtex : .cancerindex
  }
}

extension ImportFormat {
  /// The source the records of the file at `path` are recorded from: its name, not its
  /// folder, so that two peers who saved it in different places record the same source;
  /// in NFC, since macOS spells file names decomposed.
  static func sourceName(ofFile path: String) -> String {
    (path.split(separator: "/").last.map(String.init) ?? path).nfc
  }

  /// What a file of this format holds when it holds nothing to import.
  var noEntry: String {
    switch self {
    case .cancerindex: "no CancerIndex entry"
    case .bibtex: "no BibTeX entry (@article{…}, @book{…}, …)"
    case .ris: "no RIS record (TY  - … ER  - )"
    case .medline: "no MEDLINE record (PMID- …)"
    case .pubmedXML: "no <PubmedArticle>"
    case .cslJSON: "no CSL-JSON item"
    case .annotations: "no annotation"
    }
  }
}

/// A library file (anything but a CancerIndex page, which streams) read whole, checked to
/// be a regular file of text within `ImportFormat.maximumBytes`, then parsed.
public struct LibraryFile {
  public let path: String
  public let sourceName: String
  public let data: Data

  public init(path: String) throws(ImportError) {
    self.path = path
    sourceName = ImportFormat.sourceName(ofFile: path)
    let handle = try LineReader.open(path)
    defer { try? handle.close() }
    let read: Data
    do {
      read = try handle.read(upToCount: ImportFormat.maximumBytes + 1) ?? Data()
    } catch {
      throw ImportError(file: path, problem: "read failed (\(error))", remedy: "check the disk")
    }
    guard read.count <= ImportFormat.maximumBytes else {
      throw ImportError(
        file: path, problem: "is larger than \(ImportFormat.maximumBytes >> 20) MiB",
        remedy: "split it into smaller files and import them together")
    }
    guard !read.isEmpty else {
      throw ImportError(file: path, problem: "is empty", remedy: "export the library again and import that file")
    }
    // memchr: Data's element-wise search was a tenth of a large import.
    let nulOffset = read.withUnsafeBytes { bytes -> Int? in
      guard let base = bytes.baseAddress, let found = memchr(base, 0, bytes.count) else { return nil }
      return base.distance(to: UnsafeRawPointer(found))
    }
    if let nul = nulOffset {
      throw ImportError(
        file: path, offset: nul, problem: "is a binary file, not a text export (NUL byte)",
        remedy: "export the library as BibTeX, RIS, MEDLINE, PubMed XML or CSL-JSON")
    }
    data = read.starts(with: [0xEF, 0xBB, 0xBF]) ? read.dropFirst(3) : read
  }

  /// The text, or the offset of the first byte that is not UTF-8.
  func text() throws(ImportError) -> String {
    if let text = String(validating: data, as: UTF8.self) { return text }
    throw ImportError(
      file: path, offset: Self.firstInvalidUTF8(data) ?? 0, problem: "is not valid UTF-8 text",
      remedy: "export it again as UTF-8 (Unicode) text")
  }

  /// The offset of the first byte of `data` that does not begin valid UTF-8, or nil.
  static func firstInvalidUTF8(_ data: Data) -> Int? {
    if String(validating: data, as: UTF8.self) != nil { return nil }
    var offset = 0
    var iterator = data.makeIterator()
    var decoder = UTF8()
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar): offset += String(scalar).utf8.count
      case .emptyInput: return nil
      case .error: return offset
      }
    }
  }

  /// The entries of the file read as `format`. A file that is not that format at all, or
  /// is cut inside an entry, is an error; an entry that cannot be read is skipped.
  public func entries(as format: ImportFormat) throws(ImportError) -> [ListingEntry] {
    let entries = try batches(as: format).all
    try requireEntries(entries, format.noEntry)
    return entries
  }

  /// The entries, converted when asked for: a BibTeX file is only split into entries
  /// here, and a file with none, or cut inside its last, is refused here. `requireEntries`
  /// must still see the converted entries: an entry can turn out to be empty.
  public func batches(as format: ImportFormat) throws(ImportError) -> EntryBatches {
    switch format {
    case .cancerindex:
      preconditionFailure("CancerIndex pages stream through CancerIndexListing")
    case .annotations:
      preconditionFailure("annotations are notes on records, read by annotations()")
    case .bibtex:
      let (batches, entryCount) = BibTeXImport.batches(in: try text(), source: sourceName)
      if entryCount == 0 { try requireEntries(batches.all, format.noEntry) }
      try requireClosed(batches.entries(max(0, batches.count - 1)..<batches.count))
      return batches
    case .ris:
      let entries = RISImport.entries(in: try text(), source: sourceName)
      try requireEntries(entries, format.noEntry)
      try requireClosed(entries)
      return EntryBatches(entries)
    case .medline:
      let batches = MedlineImport.batches(in: try text(), source: sourceName)
      if batches.count == 0 { try requireEntries([], format.noEntry) }
      return batches
    case .pubmedXML:
      let (entries, error) = PubMedXMLImport.entries(in: data, source: sourceName)
      if let error {
        throw ImportError(
          file: path, line: error.line, problem: error.reason,
          remedy: "download it again from PubMed (efetch, retmode=xml) and import the whole file")
      }
      try requireEntries(entries, format.noEntry)
      return EntryBatches(entries)
    case .cslJSON:
      let (entries, error) = CSLJSONImport.entries(in: data, source: sourceName)
      if let error {
        throw ImportError(file: path, problem: error, remedy: "export the items again as CSL-JSON")
      }
      try requireEntries(entries, format.noEntry)
      return EntryBatches(entries)
    }
  }

  /// The W3C annotations the file holds; a file that is not annotations is refused whole.
  public func annotations() throws(ImportError) -> (
    annotations: [ImportedAnnotation], skipped: [(line: Int, reason: String)]
  ) {
    let (annotations, skipped, error) = W3CAnnotationsImport.annotations(in: data)
    if let error {
      throw ImportError(file: path, problem: error, remedy: "export the annotations again as W3C Web Annotations")
    }
    if annotations.isEmpty {
      throw ImportError(
        file: path, line: skipped.first?.line, problem: skipped.first?.reason ?? "holds no annotation",
        remedy: "check that it is the file you meant; nothing was imported")
    }
    return (annotations, skipped)
  }

  /// A file none of whose entries is a publication is refused, naming the first problem.
  /// `entries` may be just the first skipped entry, when none was a publication.
  public func requireEntries(_ entries: [ListingEntry], as format: ImportFormat) throws(ImportError) {
    try requireEntries(entries, format.noEntry)
  }

  private func requireEntries(_ entries: [ListingEntry], _ what: String) throws(ImportError) {
    let publications = entries.filter { if case .publication = $0 { true } else { false } }
    guard publications.isEmpty else { return }
    if case .skipped(let line, let reason)? = entries.first {
      throw ImportError(file: path, line: line, problem: reason, remedy: "check the file; nothing was imported")
    }
    throw ImportError(file: path, problem: "holds \(what)", remedy: "check that it is the file you meant")
  }

  /// A file whose last entry never closes was cut (a partial download or copy): refuse
  /// it whole rather than import the entries before the cut as if that were all.
  private func requireClosed(_ entries: [ListingEntry]) throws(ImportError) {
    guard case .skipped(let line, let reason)? = entries.last,
      reason.contains("never closed") || reason.contains("end of the file")
    else { return }
    throw ImportError(
      file: path, line: line, problem: "the last entry is cut: \(reason)",
      remedy: "export the whole library again and import that file")
  }
}
