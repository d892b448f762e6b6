import ArgumentParser
import GlossCore
import GlossStore

struct StatusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status",
    abstract: "Set your reading status of a record, or show everyone's.",
    discussion: """
      Statuses: \(ReadingStatus.allCases.map(\.rawValue).joined(separator: ", ")). Each person has their own; \
      every record starts unread for everyone.
      """)

  @OptionGroup var storeOptions: StoreOptions
  @Flag(help: "Print JSON.") var json = false
  @Argument(help: ArgumentHelp("A record id, id prefix or citekey.", valueName: "id")) var id: String
  @Argument(help: ArgumentHelp("The new status.", valueName: "status")) var status: String?

  func validate() throws {
    if let status, ReadingStatus(rawValue: status) == nil {
      throw ValidationError(
        "'\(status)' is not a status; use one of \(ReadingStatus.allCases.map(\.rawValue).joined(separator: ", "))")
    }
  }

  func run() throws {
    let store = try storeOptions.open()
    let record: RecordRef
    if let status, let value = ReadingStatus(rawValue: status) {
      record = try store.write { session in
        let record = try session.reader.resolveRecord(id)
        _ = try session.setStatus(record, value)
        return record
      }
    } else {
      record = try store.read { try $0.resolveRecord(id) }
    }
    let now = try store.currentTimestamp()
    let (statuses, future) = try store.read { reader in
      (try reader.statuses(record: record.num), try reader.futureStatuses(now: now).filter { $0.record == record.id })
    }
    let output = CommandContext.current.output
    if json || CommandContext.current.mode == .json {
      output.json(
        .object([
          "id": .string(record.id),
          "statuses": .object(
            Dictionary(uniqueKeysWithValues: statuses.map { ($0.person, JSONValue.string($0.status.rawValue)) })),
          "you": .string(statuses.first { $0.person == store.local.person }?.status.rawValue ?? "unread"),
        ]))
      return
    }
    output.line("\(record.id): \(StatusSentence.text(statuses, you: store.local.person))")
    for item in future {
      output.line(
        "note: \(item.entry.person)'s '\(item.entry.value.rawValue)' from replica \(item.entry.dot.replica.short) is stamped "
          + "more than a day in the future (a wrong clock?); it is kept and counts once that time comes")
    }
  }
}

/// "read by alice and bob; carol is reading; you have not read it".
public enum StatusSentence {
  public static func text(_ statuses: [(person: String, status: ReadingStatus)], you: String) -> String {
    var parts: [String] = []
    let readers = statuses.filter { $0.status == .read }.map(\.person)
    if !readers.isEmpty { parts.append("read by " + list(readers)) }
    for status in [ReadingStatus.reading, .skimmed, .toRead] {
      let people = statuses.filter { $0.status == status }.map(\.person)
      guard !people.isEmpty else { continue }
      parts.append(list(people) + " " + (people.count == 1 ? status.phrase : status.pluralPhrase))
    }
    if !statuses.contains(where: { $0.person == you && $0.status != .unread }) { parts.append("you have not read it") }
    return parts.joined(separator: "; ")
  }

  static func list(_ names: [String]) -> String {
    names.count <= 1 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names.last!
  }
}
