/*
 * Bytes waiting for a non-blocking fd (an attach client, a process's stdin): the shim's loop
 * never blocks on one slow peer. Callers bound the queue with OUTQ_LIMIT.
 */
#ifndef SKIFF_OUTQ_H
#define SKIFF_OUTQ_H

#include <stddef.h>

#define OUTQ_LIMIT (1024 * 1024)

struct outq {
  char *buf;
  size_t len;
  size_t cap;
};

void outq_push(struct outq *q, const void *data, size_t n);
/* Writes what the fd takes now: 0 = ok (maybe bytes left), -1 = the fd is broken (EPIPE...). */
int outq_flush(struct outq *q, int fd);
void outq_free(struct outq *q);

#endif
