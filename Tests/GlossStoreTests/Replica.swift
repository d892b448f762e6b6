import Foundation
import GRDB
import GlossCore
import Synchronization

@testable import GlossStore

/// A wall clock tests can move, shared by simulated replicas.
final class TestClock: Sendable {
  private let value = Mutex<UInt64>(1_700_000_000_000)
  func now() -> UInt64 { value.withLock { $0 } }
  func advance(_ milliseconds: Int64) {
    value.withLock { $0 = UInt64(max(0, Int64($0) + milliseconds)) }
  }
}

/// One simulated peer: an in-memory store with its own person and clock.
struct Replica {
  let store: Store
  var person: String { store.local.person }

  init(person: String, clock: TestClock) throws {
    store = try Store(path: ":memory:", person: person, wallClock: { clock.now() })
  }

  init(store: Store) { self.store = store }

  /// Everything in this replica's log, in causal order.
  func allOperations() throws -> [Op] { try store.read { try $0.operations(missingFrom: VectorClock()) } }

  @discardableResult
  func receive(_ operations: [Op]) throws -> ReceiveSummary { try store.write { try $0.receive(operations) } }

  /// Receives operations as a write too large for the recent layer does (`RecentEntries`):
  /// the layer folded first, the entries written straight into the folded trees.
  /// `holding` bounds what it holds in memory before writing it (`HeldEntries`).
  @discardableResult
  func receiveIntoFolded(_ operations: [Op], holding: Int = HeldEntries.defaultByteLimit) throws -> ReceiveSummary {
    try store.write { session in
      try session.expect(operations: .max)
      session.applier.held = HeldEntries(byteLimit: holding)
      return try session.receive(operations)
    }
  }

  /// Moves the recent tag and status entries into the folded trees (`RecentEntries.fold`).
  func foldRecentEntries() throws { try store.queue.write { db in try RecentEntries(db: db).fold() } }

  /// Rows in the recent layer of tag and status entries.
  func recentEntryCount() throws -> Int { try store.read { try $0.recentEntryCount() } }

  /// Receives everything `other` has.
  @discardableResult
  func pull(from other: Replica) throws -> ReceiveSummary { try receive(other.allOperations()) }

  func dump() throws -> String { try store.read { try $0.dump() }.canonical }

  /// FTS5's own check that each full-text index holds exactly what its table does (the
  /// indexes are brought up to date in bulk, not by triggers); throws when one does not.
  func checkFullTextIndexes() throws {
    try store.queue.write { db in
      for index in ["record_fts", "note_fts"] {
        try db.execute(sql: "INSERT INTO \(index) (\(index), rank) VALUES ('integrity-check', 1)")
      }
    }
  }

  /// The `status` table, written once per transaction for what changed
  /// (`OperationApplier`), must hold exactly one row per record group and person with
  /// status entries there, each the status those entries give now; throws where it does not.
  func checkStatuses() throws {
    let now = try store.currentTimestamp()
    try store.queue.read { db in
      let registers = StatusRegisters(db: db)
      var expected: [String] = []
      for row in try Row.fetchAll(db, sql: "SELECT DISTINCT record, person FROM status_entry ORDER BY record, person") {
        let status = try registers.load(record: row[0], person: row[1], now: now).effective(now: now).status
        expected.append("\(row[0] as Int64) \(row[1] as String) \(status.rawValue)")
      }
      let stored = try Row.fetchAll(db, sql: "SELECT record, person, status FROM status ORDER BY record, person")
        .map { "\($0[0] as Int64) \($0[1] as String) \($0[2] as String)" }
      guard stored == expected else {
        throw StoreError("the status table holds \(stored), its entries give \(expected)")
      }
    }
  }

  func record(_ id: String) throws -> RecordRef { try store.read { try $0.resolveRecord(id) } }

  /// When an opening last checked for statuses come due, as stored (`Store.refreshDueStatuses`).
  func statusCheck() throws -> UInt64? {
    try store.queue.read { db in
      try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'status_checked'").flatMap(UInt64.init)
    }
  }

  func importPublications(_ publications: [Publication]) throws {
    try store.write { session in
      var importer = RecordImporter(session: session)
      for publication in publications { try importer.add(publication) }
    }
  }
}

enum Samples {
  static let publications = [
    Publication(
      authors: ["Bruix J", "Qin S"], etAl: true, title: "Regorafenib for patients with hepatocellular carcinoma",
      journal: "Lancet", year: 2017, date: "2017", volume: "389", issue: "10064", pages: "56-66", pubmed: true,
      abstract: [
        AbstractSection(label: "BACKGROUND", text: "There are no systemic treatments after sorafenib."),
        AbstractSection(label: "FINDINGS", text: "Regorafenib improved overall survival with a hazard ratio of 0·63."),
      ], topics: ["Sorafenib (Nexavar)"], sources: ["cancerindex-sorafenib.txt"]),
    Publication(
      authors: ["Antoniou EA"], title: "Remission of Psoriasis in a Patient Treated with Sorafenib", journal: "In Vivo",
      year: 2016, date: "2016 09-10", volume: "30", issue: "5", pages: "677-80", pubmed: true,
      abstract: [AbstractSection(label: nil, text: "Psoriasis is a chronic, immune-mediated disease.")],
      topics: ["Sorafenib (Nexavar)"], sources: ["cancerindex-sorafenib.txt"]),
    Publication(
      authors: [], title: "Sorafenib (NEXAVAR) and differentiated thyroid cancer", journal: "Prescrire Int", year: 2016,
      date: "2016", volume: "25", issue: "168", pages: "37", pubmed: true, topics: ["Sorafenib (Nexavar)"],
      sources: ["cancerindex-sorafenib.txt"]),
  ]
}
