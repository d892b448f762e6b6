import ArgumentParser
import GlossCore
import GlossStore

struct NoteCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "note",
    abstract: "Write a note on a record; with --quote, a highlight anchored to the exact text.",
    discussion: """
      Without TEXT, opens $VISUAL or $EDITOR (default vi) on an empty file: write the note, \
      save and quit; an empty file cancels. Prints the new note's id alone on the last line \
      (with --json: {"id": …}).
      """)

  @OptionGroup var storeOptions: StoreOptions
  @Flag(help: "Print {\"id\": …}.") var json = false
  @Option(help: "Exact text of the title or abstract to anchor the note to.") var quote: String?
  @Argument(help: ArgumentHelp("A record id, id prefix or citekey.", valueName: "id")) var id: String
  @Argument(help: ArgumentHelp("The note (default: write it in $EDITOR).", valueName: "text")) var text: [String] = []

  func run() throws {
    let store = try storeOptions.open()
    _ = try store.read { reader in try reader.resolveRecord(id) }
    let body =
      text.isEmpty ? try NoteEditor.compose(initial: "", storePath: storeOptions.path) : text.joined(separator: " ")
    let (record, noteID) = try store.write { session in
      let record = try session.reader.resolveRecord(id)
      return (record, try session.addNote(record, text: body, quote: quote))
    }
    let output = CommandContext.current.output
    if json || CommandContext.current.mode == .json {
      output.json(.object(["id": .string(noteID)]))
      return
    }
    output.line("note on \(record.id)\(quote.map { " at “\($0)”" } ?? "")")
    output.line(noteID)
  }
}

struct NotesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "notes", abstract: "List notes, of one record or all.")

  @OptionGroup var storeOptions: StoreOptions
  @OptionGroup var format: FormatOptions
  @Flag(help: "Include deleted notes.") var all = false
  @Argument(help: ArgumentHelp("A record id, id prefix or citekey.", valueName: "id")) var id: String?

  func run() throws {
    let notes = try storeOptions.open().read { reader in
      try reader.notes(record: try id.map { try reader.resolveRecord($0) }, includeDeleted: all)
    }
    let output = CommandContext.current.output
    if format.mode == .json {
      output.json(.array(notes.map(\.json)))
      return
    }
    let table = TextTable(
      headers: ["NOTE", "RECORD", "AUTHOR", "STATE", "TEXT"],
      rows: notes.map { note in
        var text = note.body
        if let anchor = note.anchor { text = "“\(anchor.exact)” — " + text }
        if note.alternatives.count > 1 { text += "  [\(note.alternatives.count) versions: gloss conflicts]" }
        return [note.id, note.recordID, note.author, note.state.rawValue, text]
      }, mainColumn: 4)
    for line in table.render(format.mode, width: Terminal.width(), color: Terminal.colorEnabled) { output.line(line) }
  }
}

struct NoteEditCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "note-edit",
    abstract: "Replace a note's text.",
    discussion: """
      Without TEXT, opens $VISUAL or $EDITOR (default vi) on the note's text; an empty file \
      cancels. An edit concurrent with a teammate's edit keeps both as a conflict; nothing is \
      lost.
      """)

  @OptionGroup var storeOptions: StoreOptions
  @Argument(help: ArgumentHelp("A note id or prefix.", valueName: "note")) var note: String
  @Argument(help: ArgumentHelp("The new text (default: edit it in $EDITOR).", valueName: "text")) var text: [String] =
    []

  func run() throws {
    let store = try storeOptions.open()
    var body = text.joined(separator: " ")
    if text.isEmpty {
      let current = try store.read { reader in
        try reader.noteRegister(try reader.resolveNote(note)).distinctValues.first?.value.text ?? ""
      }
      body = try NoteEditor.compose(initial: current + "\n", storePath: storeOptions.path)
    }
    let id = try store.write { session in
      let ref = try session.reader.resolveNote(note)
      try session.editNote(ref, text: body)
      return ref.id
    }
    CommandContext.current.output.line("note \(id) edited")
  }
}

struct NoteDeleteCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "note-delete",
    abstract: "Delete a note.",
    discussion: "If a teammate edited it concurrently, the note survives, flagged, until someone resolves it.")

  @OptionGroup var storeOptions: StoreOptions
  @Argument(help: ArgumentHelp("A note id or prefix.", valueName: "note")) var note: String

  func run() throws {
    let id = try storeOptions.open().write { session in
      let ref = try session.reader.resolveNote(note)
      try session.deleteNote(ref)
      return ref.id
    }
    CommandContext.current.output.line("note \(id) deleted")
  }
}
