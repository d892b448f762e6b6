import Foundation
import GlossCommands
import GlossREPL

exit(GlossMain.run(Array(CommandLine.arguments.dropFirst())))
