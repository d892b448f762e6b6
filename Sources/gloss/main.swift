import Foundation
import GlossCommands
import GlossREPL

/// `gloss` alone (or with only `--store PATH`) opens the REPL; anything else is one command.
REPL.unblockTerminalSignals()
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.isEmpty {
  exit(REPL.run(storePath: nil))
}
if arguments.count == 2, arguments[0] == "--store" {
  exit(REPL.run(storePath: arguments[1]))
}
if arguments.count == 1, arguments[0].hasPrefix("--store=") {
  exit(REPL.run(storePath: String(arguments[0].dropFirst("--store=".count))))
}
exit(GlossMain.run(arguments))
