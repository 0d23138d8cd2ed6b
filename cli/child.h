/*
 * Child processes for the commands (cli/child.c): spawn a program with its
 * standard streams redirected, wait for it, and give its exit status; while
 * it runs, SIGINT or SIGTERM of pairbench stops it and removes its
 * temporaries before pairbench itself dies of that signal (status 128+sig
 * to a shell). Also the two ways pairbench finds or re-executes itself.
 */
#ifndef PAIRBENCH_CLI_CHILD_H
#define PAIRBENCH_CLI_CHILD_H

#include "str.h"

/* Where a standard stream of the child goes. */
typedef enum pb_child_stream {
    PB_CHILD_INHERIT = 0,      /* pairbench's own */
    PB_CHILD_DEVNULL,          /* /dev/null */
    PB_CHILD_FILE,             /* a file, created or truncated (stdout, stderr) */
    PB_CHILD_CAPTURE,          /* into the caller's pb_str (stdout only) */
    PB_CHILD_AS_STDOUT,        /* stderr: wherever stdout goes */
} pb_child_stream;

typedef struct pb_child {
    char *const       *argv;       /* argv[0] is searched on PATH */
    pb_child_stream    in;         /* INHERIT or DEVNULL */
    pb_child_stream    out;
    const char        *out_path;   /* for PB_CHILD_FILE */
    pb_child_stream    err;
    const char        *err_path;   /* for PB_CHILD_FILE */
    const char *const *temps;      /* NULL-terminated, or NULL: files to
                                    * unlink if pairbench is interrupted */
    const char        *what;       /* the command, for the interrupted line */
} pb_child;

/* Runs the child and waits for it; stdout captured with PB_CHILD_CAPTURE
 * is appended to *capture. Returns its exit status (0..255), 127 when the
 * program cannot be found or executed, 256 + SIG when signal SIG killed it,
 * or -1 when it could not be started (errno set). If pairbench receives
 * SIGINT or SIGTERM (when not ignored at the time) while the child runs,
 * the child gets SIGTERM (SIGKILL 5 s later), is reaped, c->temps are
 * unlinked, one line "pairbench: WHAT: interrupted" is printed, and
 * pairbench dies of the same signal: this function does not return then. */
int   pb_child_run(const pb_child *c, pb_str *capture);

/* The absolute path of this executable (malloc'd), or NULL (errno set). */
char *pb_self_exe(void);

/* execv of this executable with argv (the environment as it is now);
 * returns only on failure, -1 with errno set. */
int   pb_reexec_self(char **argv);

#endif
