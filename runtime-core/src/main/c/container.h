/* The container process between clone and exec. */
#ifndef SKIFF_CONTAINER_H
#define SKIFF_CONTAINER_H

#include "plan.h"

struct container_io {
  int sync;   /* the child's end of the sync pair (see sync.h) */
  int stdout_w;
  int stderr_w;
};

/* Sets everything up, reports "ready", waits for "go", execs. Never returns. */
__attribute__((noreturn)) void container_main(const struct plan *plan, const struct container_io *io);

#endif
