import Foundation
import GlossCommands
import GlossREPL

/// `gloss` alone (or with only `--store PATH`) opens the REPL; anything else is one command.
REPL.unblockTerminalSignals()
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.isEmpty || (arguments.count == 2 && arguments[0] == "--store") {
  exit(REPL.run(storePath: arguments.count == 2 ? arguments[1] : nil))
}
exit(GlossMain.run(arguments))
