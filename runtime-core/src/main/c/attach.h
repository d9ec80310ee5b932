/*
 * Attach clients of a container, served by its monitor on <bundle>/attach.sock with the
 * frame protocol of frame.h. A client sends HELLO (does it bring stdin?) and gets READY (does
 * the container have a tty, stdin, stdin_once?); from then on it receives every output byte
 * the container writes (the CRI log gets them too) and may send stdin and resizes. Output is
 * live only: nothing written before the client came is replayed.
 *
 * stdin_once: when a client that brought stdin ends it (STDIN_CLOSE or disconnect), the
 * container's stdin is closed. A client that cannot keep up with the output (more than
 * OUTQ_LIMIT queued) is disconnected rather than stalling the container or the log.
 * When the container has exited and its output is drained, each client gets EXIT and is closed.
 */
#ifndef SKIFF_ATTACH_H
#define SKIFF_ATTACH_H

#include <poll.h>
#include <stddef.h>

#include "frame.h"
#include "outq.h"
#include "procin.h"
#include "util.h"

#define ATTACH_MAX_CLIENTS 16

struct attach_client {
  int fd;
  int greeted;
  int brings_stdin;
  struct frame_reader *in;
  struct outq out;
};

struct attach {
  int listen_fd;
  char *path;
  unsigned char ready_flags; /* FRAME_READY_TTY | FRAME_READY_STDIN | FRAME_READY_STDIN_ONCE */
  struct attach_client clients[ATTACH_MAX_CLIENTS];
  size_t nclients;
};

int attach_listen(struct attach *a, const char *path, unsigned char ready_flags, struct err *e);
/* Fills fds with the listening socket and every client; reading = 0 while the container's
   stdin queue is full. Returns how many entries it used (at most 1 + ATTACH_MAX_CLIENTS). */
size_t attach_poll_fds(const struct attach *a, struct pollfd *fds, int reading);
/* After poll(2) over what attach_poll_fds filled: accepts, reads frames into in, writes output. */
void attach_handle(struct attach *a, const struct pollfd *fds, size_t n, struct procin *in);
void attach_output(struct attach *a, enum frame_type type, const void *data, size_t n);
/* Sends EXIT to every client (each gets a second to take its output), closes all, removes the socket. */
void attach_finish(struct attach *a, int exit_code);

#endif
