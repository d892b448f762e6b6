import CLibedit
import GlossCommands
