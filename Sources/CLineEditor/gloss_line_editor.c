#include <termios.h>
#include <unistd.h>
#include <signal.h>
#include <string.h>
#include "gloss_line_editor.h"

#include <histedit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gloss_line_editor {
  EditLine *el;
  History *history;
  char *prompt;
  int cancelled;
  gloss_completer completer;
};

static char *prompt_of(EditLine *el) {
  gloss_line_editor *editor = NULL;
  el_get(el, EL_CLIENTDATA, &editor);
  return editor && editor->prompt ? editor->prompt : "> ";
}

/// Ctrl-C: end the line as if Enter were pressed, flagged so the caller drops it.
static unsigned char cancel_line(EditLine *el, int ch) {
  (void)ch;
  gloss_line_editor *editor = NULL;
  el_get(el, EL_CLIENTDATA, &editor);
  editor->cancelled = 1;
  fputs("^C", stdout);
  return CC_NEWLINE;
}

static unsigned char complete(EditLine *el, int ch) {
  (void)ch;
  gloss_line_editor *editor = NULL;
  el_get(el, EL_CLIENTDATA, &editor);
  if (!editor->completer) return CC_ERROR;
  const LineInfo *info = el_line(el);
  size_t length = (size_t)(info->cursor - info->buffer);
  char *before = malloc(length + 1);
  if (!before) return CC_ERROR;
  memcpy(before, info->buffer, length);
  before[length] = '\0';
  char *answer = editor->completer(before);
  free(before);
  if (!answer) return CC_ERROR;
  char *listing = strchr(answer, '\n');
  if (listing) *listing++ = '\0';
  unsigned char result = CC_ERROR;
  if (answer[0]) {
    el_insertstr(el, answer);
    result = CC_REFRESH;
  }
  if (listing && listing[0]) {
    fputs("\n", stdout);
    fputs(listing, stdout);
    fflush(stdout);
    result = CC_REDISPLAY;
  }
  free(answer);
  return result;
}

gloss_line_editor *gloss_line_editor_open(const char *program, int history_size, gloss_completer completer) {
  gloss_line_editor *editor = calloc(1, sizeof *editor);
  if (!editor) return NULL;
  editor->el = el_init(program, stdin, stdout, stderr);
  editor->history = history_init();
  if (!editor->el || !editor->history) {
    gloss_line_editor_close(editor);
    return NULL;
  }
  editor->completer = completer;
  HistEvent event;
  history(editor->history, &event, H_SETSIZE, history_size);
  history(editor->history, &event, H_SETUNIQUE, 1);
  el_set(editor->el, EL_CLIENTDATA, editor);
  el_set(editor->el, EL_EDITOR, "emacs");
  el_set(editor->el, EL_PROMPT, prompt_of);
  el_set(editor->el, EL_HIST, history, editor->history);
  el_set(editor->el, EL_SIGNAL, 1);
  /* ^C must reach the editor as a key while a line is edited; outside el_gets the
     terminal's own modes (and so SIGINT) are restored. */
  el_set(editor->el, EL_SETTY, "-d", "-isig", NULL);
  el_set(editor->el, EL_ADDFN, "gloss-cancel", "Cancel the line", cancel_line);
  el_set(editor->el, EL_BIND, "^C", "gloss-cancel", NULL);
  el_set(editor->el, EL_ADDFN, "gloss-complete", "Complete the word", complete);
  el_set(editor->el, EL_BIND, "^I", "gloss-complete", NULL);
  el_set(editor->el, EL_BIND, "^R", "em-inc-search-prev", NULL);
  el_source(editor->el, NULL);
  return editor;
}

void gloss_line_editor_close(gloss_line_editor *editor) {
  if (!editor) return;
  if (editor->el) el_end(editor->el);
  if (editor->history) history_end(editor->history);
  free(editor->prompt);
  free(editor);
}

void gloss_line_editor_set_prompt(gloss_line_editor *editor, const char *prompt) {
  free(editor->prompt);
  editor->prompt = strdup(prompt);
}

int gloss_line_editor_read(gloss_line_editor *editor, const char **line) {
  int count = 0;
  editor->cancelled = 0;
  const char *text = el_gets(editor->el, &count);
  if (editor->cancelled) {
    el_reset(editor->el);
    return -1;
  }
  if (!text || count <= 0) return 0;
  *line = text;
  return 1;
}

void gloss_line_editor_remember(gloss_line_editor *editor, const char *line) {
  HistEvent event;
  history(editor->history, &event, H_ENTER, line);
}

int gloss_line_editor_load_history(gloss_line_editor *editor, const char *path) {
  HistEvent event;
  return history(editor->history, &event, H_LOAD, path);
}

int gloss_line_editor_save_history(gloss_line_editor *editor, const char *path) {
  HistEvent event;
  return history(editor->history, &event, H_SAVE, path);
}

static volatile sig_atomic_t interrupted;
static const int caught_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define CAUGHT_COUNT (sizeof caught_signals / sizeof caught_signals[0])
static struct sigaction previous_actions[CAUGHT_COUNT];
static struct termios previous_modes;
static int modes_saved;

static void on_signal(int signal_number) { interrupted = signal_number; }

void gloss_interrupts_catch(void) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  interrupted = 0;
  for (size_t i = 0; i < CAUGHT_COUNT; i++) sigaction(caught_signals[i], &action, &previous_actions[i]);
  /* libedit may leave the terminal without ISIG after a line; ^C must be a signal now. */
  modes_saved = tcgetattr(STDIN_FILENO, &previous_modes) == 0;
  if (modes_saved) {
    struct termios modes = previous_modes;
    modes.c_lflag |= ISIG;
    tcsetattr(STDIN_FILENO, TCSANOW, &modes);
  }
}

int gloss_interrupts_release(void) {
  if (modes_saved) tcsetattr(STDIN_FILENO, TCSANOW, &previous_modes);
  modes_saved = 0;
  for (size_t i = 0; i < CAUGHT_COUNT; i++) sigaction(caught_signals[i], &previous_actions[i], NULL);
  int caught = interrupted;
  interrupted = 0;
  return caught;
}

int gloss_interrupted(void) { return interrupted; }

void gloss_unblock_terminal_signals(void) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGQUIT);
  sigprocmask(SIG_UNBLOCK, &signals, NULL);
}
