#ifndef SKIFF_DEVNULL_H
#define SKIFF_DEVNULL_H

#include "util.h"

/* After pivot_root: stdio descriptors that are the host's /dev/null (the shim opened it in
   skiffd's mount namespace) are replaced by the container's own /dev/null, as runc's
   reOpenDevNull does. A file on a mount outside the container's mount namespace is one CRIU
   cannot dump ("Can't lookup mount=N for fd=0 path=/null"), so without this no container with
   a /dev/null stdin could be checkpointed. No /dev/null in the container: nothing changes. */
int stdio_reopen_dev_null(struct err *e);

#endif
