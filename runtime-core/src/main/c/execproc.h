/*
 * The process side shared by both exec modes (exec.h, execstream.h): joining a running
 * container (its cgroups, then its namespaces from /proc/PID/ns) and the reaper that runs the
 * command inside the container's PID namespace.
 *
 * The reaper runs as the command's parent inside that namespace. A subreaper outside the
 * namespace is skipped when orphans are reparented, so without it a child the command leaves
 * behind would become a zombie of the container's init (which, like `sleep`, need not reap).
 * It kills the command's process group on SIGTERM (a timeout) and after the command exits,
 * reaps everything, and reports the command's wait status.
 */
#ifndef SKIFF_EXECPROC_H
#define SKIFF_EXECPROC_H

#include <sys/types.h>

#include "plan.h"
#include "util.h"

#define EXEC_NAMESPACES 7

struct exec_stdio {
  int in;   /* the command's stdin, or -1 for /dev/null */
  int out;  /* stdout and stderr; unused with a tty */
  int err;
  int tty;  /* a pty is opened in the container; the command gets the slave as its terminal */
  /* SOCK_SEQPACKET to the exec shim: "pty" with the master (tty only), then either an error
     text (the command could not be started) or end-of-file (it exec'd). */
  int report;
  int status; /* pipe: "<done> <wait status>" once the command and its group are gone */
};

/* Loads the bundle's plan, checks pid + start time (0: unchecked), joins the container's
   cgroups and its PID namespace (for our children), opens its other namespaces into ns_fds. */
int exec_prepare(const char *bundle, pid_t pid, unsigned long long pid_start, struct plan *plan, int *ns_fds,
                 struct err *e);
/* Runs in a child of the exec shim with SIGTERM and SIGCHLD blocked. Never returns. */
__attribute__((noreturn)) void exec_reaper(const struct plan *plan, const int *ns_fds, char **args,
                                           const struct exec_stdio *io);
/* Reads the reaper's status pipe: 0 and *wait_status set when the command was reaped. */
int exec_read_status(int status_fd, int *done, int *wait_status);

#endif
