/* The container process between clone and exec. */
#ifndef SKIFF_CONTAINER_H
#define SKIFF_CONTAINER_H

#include "plan.h"

struct container_io {
  int sync;    /* the child's end of the sync pair (see sync.h) */
  int stdin_r; /* -1: /dev/null */
  int stdout_w;
  int stderr_w; /* stdout_w and stderr_w are -1 with a tty: the pty slave is the stdio */
};

/* Sets everything up, reports "ready" (with the pty master when plan->terminal), waits for
   "go", execs. Never returns. */
__attribute__((noreturn)) void container_main(const struct plan *plan, const struct container_io *io);

#endif
