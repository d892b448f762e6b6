import ArgumentParser
import GlossCore
import GlossStore

struct MergeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge",
    abstract: "Make two records one paper: tags, notes and everyone's status of both, on one record.",
    discussion: """
      The merge is an operation that syncs: every peer shows the two as one record, KEEP. Each \
      record keeps its own fields and history, so gloss unmerge gives each back what was made \
      on it. Records sharing a DOI or PMID are one record already, without a merge.
      """)

  @OptionGroup var storeOptions: StoreOptions
  @Argument(help: ArgumentHelp("The record to show: id, id prefix or citekey.", valueName: "keep")) var keep: String
  @Argument(help: ArgumentHelp("The record merged into it.", valueName: "other")) var other: String

  func run() throws {
    let (kept, merged) = try storeOptions.open().write { session in
      let keep = try session.reader.resolveRecord(keep, followingMerges: false)
      let other = try session.reader.resolveRecord(other, followingMerges: false)
      _ = try session.merge(keep: keep, other: other)
      return (try session.reader.resolveRecord(keep.id).id, other.id)
    }
    CommandContext.current.output.line("merged \(merged) into \(kept): one record now, shown as \(kept)")
  }
}

struct UnmergeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "unmerge",
    abstract: "Make a merged record its own record again.",
    discussion: """
      Undoes gloss merge, or keeps apart two records that share a DOI or PMID. Tags, notes and \
      statuses go back to the record they were made on. It syncs, like the merge.
      """)

  @OptionGroup var storeOptions: StoreOptions
  @Argument(help: ArgumentHelp("The record to take out of its group: its own id.", valueName: "id")) var id: String

  func run() throws {
    let (record, partners) = try storeOptions.open().write { session in
      let record = try session.reader.resolveRecord(id, followingMerges: false)
      return (record.id, try session.unmerge(record).map(\.id))
    }
    CommandContext.current.output.line(
      "\(record) is its own record again (was one with \(partners.joined(separator: ", ")))")
  }
}
