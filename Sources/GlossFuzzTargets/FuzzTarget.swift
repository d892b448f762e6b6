import Foundation
@_spi(Fuzzing) import GlossBundle
import GlossCore
import GlossImport
import GlossStore

/// The parsers that take hostile input, each as a function of raw bytes. libFuzzer drives
/// them in `gloss-fuzz` (`Scripts/fuzz`), and `FuzzCorpusTests` replays every corpus file
/// through them in the ordinary test suite. A target returns normally for any input,
/// whether the parser accepts or refuses it; it traps only on a real defect: a crash, an
/// overflow, or an error that is not the parser's own clear refusal.
public enum FuzzTarget: String, CaseIterable, Sendable {
  /// A bundle file as it lies in a shared folder.
  case bundle
  /// A header and a body that the target frames and signs with a fixed key, so the
  /// fuzzer reaches the header and body parsers behind the signature. The input is the
  /// header JSON, a NUL byte, then the body; `KEY` in the header stands for the key's hex.
  case signedBundle = "signed-bundle"
  /// The decompressed body codec. The first byte is how many operations one range holds.
  case codec
  /// A CancerIndex listing file.
  case listing
  /// A query in the query language, compiled and run against a small store.
  case query
  /// Library files, each through format detection and then its own importer.
  case bibtex, ris, medline
  case pubmedXML = "pubmed-xml"
  case cslJSON = "csl-json"
  /// W3C Web Annotation files (JSON-LD), as `gloss import` reads them back.
  case annotations
  /// A file name in a shared folder (`FolderFile`): anyone who can write there chooses it.
  case folderName = "folder-name"

  public func run(_ bytes: [UInt8]) {
    switch self {
    case .bundle: Self.bundle(bytes)
    case .signedBundle: Self.bundle(Self.signed(bytes))
    case .codec:
      guard let count = bytes.first else { return }
      let ranges =
        count == 0
        ? []
        : [
          BundleRange(
            replica: Self.replica, person: "fuzz", publicKey: Self.identity.publicKey, from: 1, to: UInt64(count),
            previous: ChainHash.zero, head: ChainHash.zero, signature: [UInt8](repeating: 0, count: 64))
        ]
      _ = try? BundleFormat.decodeOperations(Array(bytes.dropFirst()), ranges: ranges)
    case .listing: Self.listing(bytes)
    case .query: Self.query(bytes)
    case .bibtex, .ris, .medline:
      _ = ImportFormat.detect(Data(bytes))
      guard let text = String(validating: bytes, as: UTF8.self) else { return }
      switch self {
      case .bibtex: _ = BibTeXImport.entries(in: text, source: "fuzz.bib")
      case .ris: _ = RISImport.entries(in: text, source: "fuzz.ris")
      default: _ = MedlineImport.entries(in: text, source: "fuzz.txt")
      }
    case .pubmedXML: _ = PubMedXMLImport.entries(in: Data(bytes), source: "fuzz.xml")
    case .cslJSON: _ = CSLJSONImport.entries(in: Data(bytes), source: "fuzz.json")
    case .annotations:
      _ = ImportFormat.detect(Data(bytes))
      _ = W3CAnnotationsImport.annotations(in: Data(bytes))
    case .folderName:
      // A name that parses is the one canonical spelling of what it says.
      let name = String(decoding: bytes, as: UTF8.self)
      if let file = FolderFile(name: name), file != .whole {
        precondition(file.name == name && FolderFile(name: file.name) == file, "\(name) does not round-trip")
      }
    }
  }

  /// A bundle read both ways a store reads one: verified in full before anything acts on
  /// it (a shared folder's file), and verified while its operations are visited (a file the
  /// user names, applied in a transaction that a refusal rolls back). Both must refuse the
  /// same files with the same message.
  static func bundle(_ bytes: [UInt8]) {
    guard let signed = try? BundleFormat.open(bytes, file: "fuzz.gloss") else { return }
    var first: String?
    do throws(BundleError) {
      _ = try signed.verified()
    } catch {
      first = error.description
    }
    var visiting: String?
    do {
      try signed.forEachOperation { _, _, _ in }
    } catch {
      visiting = String(describing: error)
    }
    precondition(first == visiting, "verified first: \(first ?? "accepted"); while visiting: \(visiting ?? "accepted")")
  }

  static let identity = try! SigningIdentity(rawRepresentation: [UInt8](repeating: 7, count: 32))
  static let replica = ReplicaID(high: 0xF022, low: 0xF022)

  /// Frames `header ‖ 0 ‖ body` as a bundle signed by `identity`.
  public static func signed(_ bytes: [UInt8]) -> [UInt8] {
    let split = bytes.firstIndex(of: 0) ?? bytes.endIndex
    let headerText = String(decoding: bytes[..<split], as: UTF8.self)
      .replacingOccurrences(of: "KEY", with: Hex.encode(identity.publicKey))
    let body = split < bytes.endIndex ? Array(bytes[(split + 1)...]) : []
    return try! BundleFormat.frame(header: Array(headerText.utf8), body: body, signer: identity)
  }

  /// The listing parser reads files; each input is written to one scratch file.
  static let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
    "gloss-fuzz-\(ProcessInfo.processInfo.processIdentifier).txt"
  ).path

  static func listing(_ bytes: [UInt8]) {
    guard FileManager.default.createFile(atPath: scratch, contents: Data(bytes)) else {
      fatalError("cannot write the scratch file \(scratch)")
    }
    try? CancerIndexListing(path: scratch).read { (_: ListingEntry) throws(ImportError) in }
  }

  nonisolated(unsafe) static var store: Store?

  /// A query either compiles and runs, or is refused as a bad query or a stopped one; any
  /// other error (SQLite's own words reaching the user) is a defect.
  static func query(_ bytes: [UInt8]) {
    guard let text = String(validating: bytes, as: UTF8.self) else { return }
    do {
      if store == nil { store = try Store(path: ":memory:", person: "fuzz") }
      let compiled = try QueryCompiler(person: "fuzz").compile(text, ranked: bytes.count % 2 == 0)
      _ = try store!.boundedRead(seconds: 2) { reader in try reader.records(compiled, limit: 5) }
    } catch is QuerySyntaxError {
    } catch let error as StoreError where error == .cancelled || error.message.contains("time limit") {
    } catch {
      fatalError("query \(text.debugDescription) failed with \(error)")
    }
  }
}
