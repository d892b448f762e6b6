import Foundation
import GlossCore

/// `Scripts/bench formats [N]`: importing a synthetic BibTeX file and a synthetic MEDLINE
/// file of N entries each (parse, store, change log), against python-bibtexparser 2.x
/// merely parsing the same BibTeX file (installed with pip into `.build/bench-venv` on
/// first use). Targets: Gloss's BibTeX import at least as fast as bibtexparser's parse, and
/// the MEDLINE import within 1.5× of Gloss's BibTeX import.
struct FormatsBench {
  let workspace: BenchWorkspace
  let count: Int
  let runs: Int

  func run() throws {
    var synthetic = SyntheticListing(seedText: workspace.seedText)
    let bibtex = workspace.folder + "/library-\(count).bib"
    let medline = workspace.folder + "/library-\(count).nbib"
    try synthetic.writeBibTeX(to: bibtex, count: count)
    try synthetic.writeMedline(to: medline, count: count)
    let python = try Self.bibtexparserPython()
    let script = workspace.folder + "/parse.py"
    try """
    import sys, bibtexparser
    library = bibtexparser.parse_file(sys.argv[1])
    assert len(library.entries) == int(sys.argv[2]), (len(library.entries), library.failed_blocks[:3])
    """.write(toFile: script, atomically: true, encoding: .utf8)
    print("formats: \(count.grouped) entries per file, \(runs) runs each")
    var glossBibTeX: [Double] = []
    var glossMedline: [Double] = []
    var parser: [Double] = []
    for run in 1...runs {
      for (path, times) in [(bibtex, 0), (medline, 1)] {
        let store = workspace.folder + "/formats-\(run)-\(times).sqlite"
        workspace.remove(store)
        try workspace.create(store: store)
        let result = Measure.run([workspace.gloss, "import", path, "--store", store])
        guard result.status == 0 else { fatalError("gloss import \(path) failed with status \(result.status)") }
        if times == 0 { glossBibTeX.append(result.seconds) } else { glossMedline.append(result.seconds) }
        workspace.remove(store)
      }
      let parsed = Measure.run([python, script, bibtex, String(count)])
      guard parsed.status == 0 else { fatalError("bibtexparser failed with status \(parsed.status)") }
      parser.append(parsed.seconds)
      print(
        "  run \(run): gloss BibTeX \(glossBibTeX.last!.formatted(2)) s, MEDLINE \(glossMedline.last!.formatted(2)) s, "
          + "bibtexparser \(parser.last!.formatted(2)) s")
    }
    let bib = Measure.median(glossBibTeX)
    let med = Measure.median(glossMedline)
    let py = Measure.median(parser)
    print("  gloss import BibTeX (parse, store, change log): \(Int(Double(count) / bib).grouped) entries/s (median)")
    print("  python-bibtexparser 2.x parse only:             \(Int(Double(count) / py).grouped) entries/s (median)")
    print("  ratio gloss/bibtexparser speed: \((py / bib).formatted(2)) (target ≥ 1.00)")
    print("  gloss import MEDLINE: \(Int(Double(count) / med).grouped) entries/s (median)")
    print("  ratio MEDLINE/BibTeX time: \((med / bib).formatted(2)) (target ≤ 1.50)")
  }

  /// A venv under `.build/` with bibtexparser 2.x, made on first use.
  static func bibtexparserPython() throws -> String {
    let venv = FileManager.default.currentDirectoryPath + "/.build/bench-venv"
    let python = venv + "/bin/python3"
    if !FileManager.default.fileExists(atPath: python) {
      guard Measure.run(["python3", "-m", "venv", venv], quiet: false).status == 0 else {
        fatalError("python3 -m venv failed: install python3-venv")
      }
    }
    if Measure.run([python, "-c", "import bibtexparser; assert bibtexparser.__version__ >= '2'"]).status != 0 {
      guard Measure.run([python, "-m", "pip", "install", "-q", "bibtexparser>=2.1,<3"], quiet: false).status == 0
      else { fatalError("pip install bibtexparser failed") }
    }
    return python
  }
}

extension SyntheticListing {
  /// The same made-up papers as the listing, as BibTeX entries with the usual fields.
  mutating func writeBibTeX(to path: String, count: Int) throws {
    try write(to: path, count: count) { number, paper in
      """
      @article{key\(number),
        author = {\(paper.authors.map { "\($0.family), \($0.given)" }.joined(separator: " and "))},
        title = {\(paper.title)},
        journal = {\(paper.journal)},
        year = {\(paper.year)},
        volume = {\(paper.volume)},
        number = {\(paper.issue)},
        pages = {\(paper.pages.replacingOccurrences(of: "-", with: "--"))},
        doi = {10.9999/bench.\(number)},
        abstract = {\(paper.abstract.map { "\($0.label): \($0.text)" }.joined(separator: " "))},
        keywords = {\(paper.keywords.joined(separator: ", "))}
      }


      """
    }
  }

  /// The same made-up papers as MEDLINE records, with continuation lines.
  mutating func writeMedline(to path: String, count: Int) throws {
    try write(to: path, count: count) { number, paper in
      var text = "PMID- \(10_000_000 + number)\nOWN - NLM\nSTAT- MEDLINE\n"
      text += "DP  - \(paper.year) Mar\n"
      text += Self.field("TI", paper.title)
      text += "PG  - \(paper.pages)\n"
      text += Self.field("AB", paper.abstract.map { "\($0.label): \($0.text)" }.joined(separator: " "))
      text += "LID - 10.9999/bench.\(number) [doi]\n"
      for author in paper.authors {
        text += "FAU - \(author.family), \(author.given)\nAU  - \(author.family) \(author.given.prefix(1))\n"
      }
      text += "LA  - eng\nTA  - \(paper.journal)\nVI  - \(paper.volume)\nIP  - \(paper.issue)\n"
      for keyword in paper.keywords { text += "MH  - \(keyword)\n" }
      return text + "\n"
    }
  }

  /// A MEDLINE field wrapped at 80 columns with six-space continuation lines.
  static func field(_ tag: String, _ value: String) -> String {
    let padded = tag.padding(toLength: 4, withPad: " ", startingAt: 0) + "- "
    var lines: [String] = []
    var line = padded
    for word in value.split(separator: " ") {
      if line.count + word.count + 1 > 80, line.count > 6 {
        lines.append(line)
        line = "      "
      }
      line += (line.hasSuffix(" ") ? "" : " ") + word
    }
    lines.append(line)
    return lines.joined(separator: "\n").replacingOccurrences(of: "-  ", with: "- ") + "\n"
  }
}
