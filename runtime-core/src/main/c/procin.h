/*
 * The input side of a process the shim holds: its stdin pipe (write end) or, with a tty, the
 * pty master. Writes are queued and flushed without blocking (a process that does not read
 * its stdin must not stall the shim, which also pumps that process's output). With a tty,
 * closing stdin does nothing: a terminal has no half-close, and the master stays for output.
 */
#ifndef SKIFF_PROCIN_H
#define SKIFF_PROCIN_H

#include "outq.h"

struct procin {
  int fd;     /* non-blocking; -1 once closed, or when the process has no stdin */
  int master; /* pty master for resize, or -1 */
  int closing;
  struct outq q;
};

/* fd: the stdin pipe's write end (or a dup of the master); master: the pty master or -1. */
void procin_init(struct procin *in, int fd, int master);
/* 1 while queued input exceeds OUTQ_LIMIT: stop reading from the clients until it drains. */
int procin_full(const struct procin *in);
/* 1 while the fd should be polled for POLLOUT. */
int procin_pending(const struct procin *in);
void procin_write(struct procin *in, const void *data, size_t n);
/* Flushes; call on POLLOUT. A broken pipe (the process closed its stdin) drops the input. */
void procin_flush(struct procin *in);
/* Closes once what is queued is written (stdin EOF for the process). */
void procin_close(struct procin *in);
/* Closes at once, dropping queued input (the client is gone); the master is not the procin's to close. */
void procin_drop(struct procin *in);
void procin_resize(struct procin *in, unsigned width, unsigned height);

#endif
