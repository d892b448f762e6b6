import Foundation
import GlossCore
import Testing

/// Every case of `Protocol/vectors/cases.json`, through the CLI as an implementer would
/// check theirs (`Protocol/README.md`): each order of a case gives its dump byte for byte,
/// pending operations report what they need, and every bad bundle is refused with its
/// message and nothing written.
@Suite struct ProtocolVectorTests {
  static let folder = GlossProcess.repository.appendingPathComponent("Protocol/vectors")
  static let cases: JSONValue = {
    let text = try! String(contentsOf: folder.appendingPathComponent("cases.json"), encoding: .utf8)
    return try! JSONValue(parsing: text)
  }()

  static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
  static func strings(_ value: JSONValue?) -> [String] { value?.arrayValue?.compactMap(\.stringValue) ?? [] }

  static var dumpOrders: [(name: String, files: [String], dump: String)] {
    (cases["dumps"]?.arrayValue ?? []).flatMap { item in
      (item["orders"]?.arrayValue ?? []).map {
        (item["name"]!.stringValue!, strings($0), item["dump"]!.stringValue!)
      }
    }
  }

  @Test func theCasesCoverEveryVector() throws {
    let named = Set(
      Self.dumpOrders.flatMap { $0.files + [$0.dump] }
        + (Self.cases["refused"]?.arrayValue ?? []).compactMap { $0["file"]?.stringValue })
    let present = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
      .filter { $0.hasSuffix(".gloss") || $0.hasSuffix("-dump.json") }
    #expect(Set(present).subtracting(named).isEmpty, "vectors no case checks")
    #expect(Self.dumpOrders.count >= 18)
    #expect(Self.cases["folders"]?.arrayValue?.isEmpty == false)
  }

  @Test(arguments: dumpOrders.map { [$0.name, $0.dump] + $0.files })
  func eachOrderGivesTheExpectedDump(_ item: [String]) throws {
    let gloss = GlossProcess(person: "verifier")
    for file in item.dropFirst(2) {
      let result = try gloss.run("sync", "import", "--trust", Self.path(file))
      #expect(result.status == 0, "\(item[0]): \(file): \(result.stderr)")
    }
    let expected = try String(contentsOfFile: Self.path(item[1]), encoding: .utf8)
    #expect(try gloss.run("dump").stdout == expected, "\(item[0]) in the order \(item.dropFirst(2))")
  }

  /// A copy of the folder is read, so that the vector stays as it is whatever the reader
  /// writes (it has nothing of its own to publish).
  @Test(arguments: cases["folders"]?.arrayValue ?? [])
  func aSharedFolderGivesTheExpectedDump(_ item: JSONValue) throws {
    let gloss = GlossProcess(person: "verifier")
    let copy = gloss.folder.appendingPathComponent("shared")
    try FileManager.default.copyItem(at: Self.folder.appendingPathComponent(item["folder"]!.stringValue!), to: copy)
    let result = try gloss.run("sync", "dir", copy.path, "--trust")
    #expect(result.status == 0, "\(result.stderr)")
    let expected = try String(contentsOfFile: Self.path(item["dump"]!.stringValue!), encoding: .utf8)
    #expect(try gloss.run("dump").stdout == expected)
  }

  @Test(arguments: cases["pending"]?.arrayValue ?? [])
  func pendingOperationsSayWhatTheyNeed(_ item: JSONValue) throws {
    let gloss = GlossProcess(person: "verifier")
    let result = try gloss.run(arguments: ["sync", "import", "--trust"] + Self.strings(item["files"]).map(Self.path))
    #expect(result.status == 0)
    guard case .object(let members)? = item["needs"] else {
      Issue.record("a pending case without needs")
      return
    }
    let needs = members.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.stringValue!)" }
    let pending = item["pending"]!.intValue!
    let status = try gloss.run("sync", "status").stdout
    #expect(status.contains("\(pending) pending (needs \(needs.joined(separator: ", ")))"), "\(status)")
    #expect(try gloss.operationCount() == Int(item["applied"]!.intValue!))
  }

  @Test(arguments: cases["refused"]?.arrayValue ?? [])
  func badBundlesAreRefusedWithNothingWritten(_ item: JSONValue) throws {
    let gloss = GlossProcess(person: "verifier")
    let name = item["file"]!.stringValue!
    // A good bundle in the same command must not be applied either.
    let result = try gloss.run("sync", "import", "--trust", Self.path("01-alice.gloss"), Self.path(name))
    #expect(result.status == 1)
    #expect(result.stderr.split(separator: "\n").count == 1)
    #expect(result.stderr.contains(name))
    #expect(result.stderr.contains(item["message"]!.stringValue!), "\(result.stderr)")
    if let offset = item["offset"]?.intValue { #expect(result.stderr.contains("(byte \(offset))")) }
    #expect(try gloss.operationCount() == 0)
  }
}
