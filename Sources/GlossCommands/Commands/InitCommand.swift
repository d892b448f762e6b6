import ArgumentParser
import GlossStore

struct InitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract: "Create the store and this replica's identity.",
    discussion: """
      Every other command needs a store that exists, so that a mistyped --store is an error \
      rather than a new, empty store. A store's person cannot be changed later: reading status \
      and notes are signed with it.
      """)

  @OptionGroup var storeOptions: StoreOptions
  @Option(help: "Your name as teammates will see it (default: $USER).") var name: String?

  func run() throws {
    if let name, name.isEmpty || name.contains(where: { $0.isWhitespace || $0.isNewline }) {
      throw GlossMain.UsageError("--name must be one word without spaces, like 'alice'")
    }
    let path = storeOptions.path
    let store = try CommandContext.current.store(at: path, person: name, create: true)
    if let name, store.local.person != name {
      throw StoreError("\(path) already belongs to '\(store.local.person)'; use another --store for '\(name)'")
    }
    let output = CommandContext.current.output
    output.line("store    \(path)")
    output.line("person   \(store.local.person)")
    output.line("replica  \(store.local.id.hex)")
  }
}
