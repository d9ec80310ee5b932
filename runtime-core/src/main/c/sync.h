/*
 * The shim <-> container-process protocol over a SOCK_SEQPACKET pair, one message per packet:
 *   child -> shim  "ready"          setup done, waiting for the start signal; with a tty the
 *                                  pty master travels with it (SCM_RIGHTS, see pty.h)
 *   child -> shim  "error <text>"   setup or exec failed; the child then exits
 *   shim -> child  "go"             exec now
 * The child's end is close-on-exec: end-of-file after "go" means the exec succeeded.
 */
#ifndef SKIFF_SYNC_H
#define SKIFF_SYNC_H

#include <stddef.h>

#include "util.h"

int sync_send(int fd, const char *msg);
/* Receives one packet NUL-terminated into buf; returns its length, 0 at end-of-file, -1 on error. */
int sync_recv(int fd, char *buf, size_t size);
/* Sends msg with one fd attached (SCM_RIGHTS). */
int sync_send_fd(int fd, const char *msg, int passed);
/* Like sync_recv; *passed is the fd that came with the packet, or -1. */
int sync_recv_fd(int fd, char *buf, size_t size, int *passed);
/* Sends "error <e->msg>". */
void sync_send_error(int fd, const struct err *e);

#endif
