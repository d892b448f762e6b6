import Foundation
import GlossCore

/// One entry found in a listing, or one that had to be passed over.
public enum ListingEntry: Sendable {
  case publication(Publication, line: Int)
  /// A block in the body of the page that is not an entry; imports report it.
  case skipped(line: Int, reason: String)
}

/// A CancerIndex "Latest Research Publications" page saved as plain text, read as a stream.
///
/// The page is blocks separated by blank lines. Before the first entry come the
/// breadcrumb, menus, headings, link counts and statistics: the header, which only gives
/// the topic. Each entry is an optional authors line, a title line, a citation line and
/// abstract paragraphs. The `CancerIndex.org` footer ends the body.
///
/// Gene pages (`Latest Publications: AURKA (cancer-related)`) and topic pages differ only
/// in their header, so the topic comes from the heading when it names one, else from the
/// last breadcrumb step.
public struct CancerIndexListing: Sendable {
  public let path: String
  /// The name recorded as the records' source (`ImportFormat.sourceName(ofFile:)`).
  public let sourceName: String

  public init(path: String) {
    self.path = path
    sourceName = ImportFormat.sourceName(ofFile: path)
  }

  /// Reads the whole file, calling `body` with each entry in page order.
  /// `progress` is called with the bytes read so far after each entry.
  public func read(
    progress: (Int) -> Void = { _ in },
    _ body: (ListingEntry) throws(ImportError) -> Void
  ) throws(ImportError) {
    var reader = LineReader(path: path)
    var state = State()
    var block: [Substring] = []
    var blockLine = 0
    var bytesSoFar = 0
    func flush() throws(ImportError) {
      guard !block.isEmpty else { return }
      defer { block.removeAll(keepingCapacity: true) }
      try consume(block, line: blockLine, state: &state, atEnd: false, body)
      progress(bytesSoFar)
    }
    try reader.forEachLine { (line: Substring, number: Int, bytes: Int) throws(ImportError) in
      bytesSoFar = bytes
      if state.inFooter { return }
      if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
        try flush()
      } else {
        if block.isEmpty { blockLine = number }
        block.append(line)
      }
    }
    guard reader.bytesRead > 0 else {
      throw ImportError(
        file: path, line: nil, problem: "is empty", remedy: "save the CancerIndex page as text and import that file")
    }
    if !block.isEmpty, !state.inFooter {
      try consume(block, line: blockLine, state: &state, atEnd: !reader.endsWithNewline, body)
      if !state.inFooter, case .incomplete(let reason) = Self.classify(block), state.entries > 0 || state.sawHeading {
        throw ImportError(
          file: path, line: blockLine, problem: "the last entry is truncated (\(reason))",
          remedy: "save the whole page again and re-import it")
      }
    }
    if let (_, line) = state.held {
      // No footer: the page may have been cut at a line break inside this entry's
      // abstract, and importing it would replace a full abstract with a part of it.
      try body(
        .skipped(
          line: line,
          reason:
            "the listing ends without its CancerIndex.org footer, so this last entry may be cut short; it was left alone (save the whole page again to import it)"
        ))
    }
    guard state.entries > 0 || state.sawHeading else {
      throw ImportError(
        file: path, line: 1,
        problem: "is not a CancerIndex listing: no 'Latest Research Publications' heading and no entry found",
        remedy: "import a CancerIndex publications page saved as plain text")
    }
  }

  private struct State {
    var entries = 0
    var sawHeading = false
    var inFooter = false
    /// The latest entry, passed on only once something follows it: the last entry of a
    /// page without its footer is not trusted to be whole.
    var held: (Publication, line: Int)?
    var headingTopic: String?
    var breadcrumbTopic: String?
    var topic: String? { headingTopic ?? breadcrumbTopic }
  }

  private enum Block {
    case entry(authors: Substring?, title: Substring, citation: CitationLine, abstract: ArraySlice<Substring>)
    case incomplete(String)
  }

  private static func classify(_ lines: [Substring]) -> Block {
    if lines.count >= 2, let citation = CitationLine(lines[1]) {
      return .entry(authors: nil, title: lines[0], citation: citation, abstract: lines[2...])
    }
    if lines.count >= 3, let citation = CitationLine(lines[2]) {
      return .entry(authors: lines[0], title: lines[1], citation: citation, abstract: lines[3...])
    }
    if lines.count < 3 { return .incomplete("it ends before its citation line") }
    return .incomplete("no citation line like 'Journal. 2016; 12(3):45-67' after the title")
  }

  private func consume(
    _ lines: [Substring], line: Int, state: inout State, atEnd: Bool, _ body: (ListingEntry) throws(ImportError) -> Void
  ) throws(ImportError) {
    func release() throws(ImportError) {
      if let (publication, line) = state.held {
        state.held = nil
        try body(.publication(publication, line: line))
      }
    }
    if lines[0].hasPrefix("CancerIndex.org") {
      state.inFooter = true
      try release()
      return
    }
    switch Self.classify(lines) {
    case .entry(let authorsLine, let title, let citation, let abstract):
      if atEnd {
        throw ImportError(
          file: path, line: line + lines.count - 1,
          problem: "the last entry is truncated (the file ends in the middle of a line)",
          remedy: "save the whole page again and re-import it")
      }
      state.entries += 1
      let (authors, etAl) = authorsLine.map(Self.parseAuthors) ?? ([], false)
      var titleText = String(title.trimmingSpaces())
      if titleText.hasSuffix(".") { titleText.removeLast() }
      let publication = Publication(
        authors: authors, etAl: etAl, title: titleText, journal: citation.journal, year: citation.year,
        date: citation.date, volume: citation.volume, issue: citation.issue, pages: citation.pages,
        pubmed: citation.pubmed, freeFullText: citation.freeFullText, abstract: abstract.map(Self.parseSection),
        topics: state.topic.map { [$0] } ?? [], sources: [sourceName])
      try release()
      state.held = (publication, line)
    case .incomplete(let reason):
      if state.entries == 0 {
        readHeader(lines, state: &state)
      } else if !atEnd {
        try release()
        try body(.skipped(line: line, reason: "not an entry: \(reason)"))
      }
    }
  }

  private func readHeader(_ lines: [Substring], state: inout State) {
    for line in lines {
      let text = String(line.trimmingSpaces())
      if text.hasPrefix("Home > ") {
        state.breadcrumbTopic = text.components(separatedBy: " > ").last
      } else if text == "Latest Research Publications" || text == "Latest Publications" {
        state.sawHeading = true
      } else if text.hasPrefix("Latest Publications: ") || text.hasPrefix("Latest Research Publications: ") {
        state.sawHeading = true
        state.headingTopic = String(text[text.index(after: text.firstIndex(of: ":")!)...].trimmingSpaces())
      }
    }
  }

  /// `Atkin C, Earwaker P, Pallan A, et al.` → three authors and the et-al flag.
  static func parseAuthors(_ line: Substring) -> ([String], Bool) {
    var names = line.split(separator: ",").map { String($0.trimmingSpaces()) }.filter { !$0.isEmpty }
    var etAl = false
    if let last = names.last, last == "et al." || last == "et al" {
      names.removeLast()
      etAl = true
    }
    if var last = names.popLast() {
      if last.hasSuffix("."), last.split(separator: " ").count > 1 { last.removeLast() }
      names.append(last)
    }
    return (names, etAl)
  }

  /// `BACKGROUND/AIMS: text` → label and text. A label is upper case, digits and
  /// ` /&(),-` only, at most 60 characters, at the start of the paragraph.
  static func parseSection(_ line: Substring) -> AbstractSection {
    let bytes = line.utf8
    let labelBytes = bytes.prefix(61)
    if let colon = labelBytes.firstIndex(of: UInt8(ascii: ":")) {
      let label = bytes[..<colon]
      let after = line[line.index(after: colon)...]
      let allowed = label.allSatisfy {
        (65...90).contains($0) || (48...57).contains($0) || Self.labelPunctuation.contains($0)
      }
      if allowed, let first = label.first, (65...90).contains(first),
        label.filter({ (65...90).contains($0) }).count >= 2,
        after.utf8.first == UInt8(ascii: " ")
      {
        return AbstractSection(label: String(line[..<colon]), text: String(after.trimmingSpaces()))
      }
    }
    return AbstractSection(label: nil, text: String(line))
  }

  static let labelPunctuation = Array(" /&(),-".utf8)
}

extension Substring {
  /// Without leading and trailing spaces and tabs. Byte-level: Foundation's trimming
  /// bridges through NSString and was the largest single cost of parsing.
  func trimmingSpaces() -> Substring {
    let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
    guard let first = utf8.firstIndex(where: { !isSpace($0) }) else { return self[endIndex...] }
    let last = utf8.lastIndex(where: { !isSpace($0) })!
    return self[first...last]
  }
}
