/*
 * Paths inside a container root that cannot escape it. Every component is resolved by the
 * kernel with openat2(RESOLVE_IN_ROOT): a symlink in the image, absolute or full of "..",
 * is followed as if the root were "/", so a hostile image cannot turn a mount target into
 * a host path. Mounts then go onto /proc/self/fd/N of the resolved O_PATH descriptor.
 */
#ifndef SKIFF_RESOLVE_H
#define SKIFF_RESOLVE_H

#include "util.h"

/* Returns an fd for path under root, or -1 with errno set (ENOENT when missing). */
int open_in_root(int rootfd, const char *path, int flags);
/* Creates the missing directories of path under root, and its last component as a
   directory or, with as_file, an empty file; returns an O_PATH fd of it. */
int make_in_root(int rootfd, const char *path, int as_file, struct err *e);
/* "/proc/self/fd/N" for fd, in buf. */
const char *fd_path(int fd, char *buf, unsigned long size);

#endif
