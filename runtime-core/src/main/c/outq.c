#define _GNU_SOURCE
#include "outq.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

void outq_push(struct outq *q, const void *data, size_t n) {
  if (q->len + n > q->cap) {
    q->cap = (q->len + n) * 2;
    q->buf = xrealloc(q->buf, q->cap);
  }
  memcpy(q->buf + q->len, data, n);
  q->len += n;
}

int outq_flush(struct outq *q, int fd) {
  size_t done = 0;
  while (done < q->len) {
    ssize_t n = write(fd, q->buf + done, q->len - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      if (errno == EAGAIN) {
        break;
      }
      return -1;
    }
    done += (size_t)n;
  }
  memmove(q->buf, q->buf + done, q->len - done);
  q->len -= done;
  return 0;
}

void outq_free(struct outq *q) {
  free(q->buf);
  q->buf = NULL;
  q->len = q->cap = 0;
}
