/*
 * Terminals for tty containers and tty execs. The pty is opened by the process that will use
 * it, inside the container's mount namespace, so it comes from the container's own devpts
 * (/dev/ptmx -> pts/ptmx): the slave shows up as /dev/pts/N in the container, as with runc.
 * The master is then handed to the shim (sync_send_fd) and the slave becomes the process's
 * controlling terminal and stdio.
 */
#ifndef SKIFF_PTY_H
#define SKIFF_PTY_H

#include <sys/types.h>

#include "util.h"

/* Opens a new pty in the current mount namespace; the slave belongs to uid/gid. */
int pty_open(int *master, int *slave, uid_t uid, gid_t gid, struct err *e);
/* In a session leader: the slave becomes the controlling terminal and fds 0, 1, 2. */
int pty_take(int slave, struct err *e);

#endif
