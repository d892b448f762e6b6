#ifndef GLOSS_LINE_EDITOR_H
#define GLOSS_LINE_EDITOR_H

/// A thin, non-variadic face on libedit's histedit API for Swift, which cannot call C
/// variadic functions such as el_set() and history().

/// Called with the line up to the cursor when Tab is pressed. Returns a malloc'd string:
/// the text to insert at the cursor, then, after a newline, what to print below the line
/// (candidates laid out in columns), or NULL for nothing.
typedef char *(*gloss_completer)(const char *before_cursor);

typedef struct gloss_line_editor gloss_line_editor;

/// Opens the editor on the terminal. history_size bounds the history; consecutive
/// duplicates are collapsed. Ctrl-C cancels the line being typed; Ctrl-R searches history.
gloss_line_editor *gloss_line_editor_open(const char *program, int history_size, gloss_completer completer);
void gloss_line_editor_close(gloss_line_editor *editor);
void gloss_line_editor_set_prompt(gloss_line_editor *editor, const char *prompt);

/// Reads one line. Returns 1 with *line set (owned by the editor, valid until the next
/// call) for a line, 0 for end of input (Ctrl-D on an empty line), and -1 when the line was
/// cancelled with Ctrl-C.
int gloss_line_editor_read(gloss_line_editor *editor, const char **line);

void gloss_line_editor_remember(gloss_line_editor *editor, const char *line);
int gloss_line_editor_load_history(gloss_line_editor *editor, const char *path);
int gloss_line_editor_save_history(gloss_line_editor *editor, const char *path);

/* While a command runs, ^C is SIGINT again, and closing the terminal (SIGHUP) or `kill`
   (SIGTERM) must not cut a write in half: these catch the three into a flag that the
   command polls (SQLite's progress handler), so the command stops and its transaction rolls
   back. The handler only sets a sig_atomic_t. */
void gloss_interrupts_catch(void);
/* Puts the previous handlers back; returns the signal that arrived meanwhile, or 0. */
int gloss_interrupts_release(void);
/* The signal caught since gloss_interrupts_catch, or 0. */
int gloss_interrupted(void);
/* Unblocks SIGINT, SIGTERM, SIGHUP and SIGQUIT, which a parent may have left blocked (a
   thread of a test runner, a service manager): Ctrl-C, closing the terminal and `kill` must
   reach gloss. */
void gloss_unblock_terminal_signals(void);
#endif
