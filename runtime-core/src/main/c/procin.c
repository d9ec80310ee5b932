#define _GNU_SOURCE
#include "procin.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

void procin_init(struct procin *in, int fd, int master) {
  in->fd = fd;
  in->master = master;
  in->closing = 0;
  in->q = (struct outq){0};
  if (fd >= 0) {
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  }
}

int procin_full(const struct procin *in) {
  return in->q.len > OUTQ_LIMIT;
}

int procin_pending(const struct procin *in) {
  return in->fd >= 0 && in->q.len > 0;
}

void procin_drop(struct procin *in) {
  if (in->fd >= 0) {
    close(in->fd);
  }
  in->fd = -1;
  in->master = -1;
  outq_free(&in->q);
}

void procin_flush(struct procin *in) {
  if (in->fd < 0) {
    return;
  }
  if (outq_flush(&in->q, in->fd) < 0) {
    procin_drop(in);
    return;
  }
  if (in->closing && in->q.len == 0) {
    procin_drop(in);
  }
}

void procin_write(struct procin *in, const void *data, size_t n) {
  if (in->fd < 0 || in->closing || n == 0) {
    return;
  }
  outq_push(&in->q, data, n);
  procin_flush(in);
}

void procin_close(struct procin *in) {
  if (in->master >= 0) {
    return;
  }
  in->closing = 1;
  procin_flush(in);
}

void procin_resize(struct procin *in, unsigned width, unsigned height) {
  if (in->master < 0 || width == 0 || height == 0) {
    return;
  }
  struct winsize size = {.ws_row = (unsigned short)height, .ws_col = (unsigned short)width};
  ioctl(in->master, TIOCSWINSZ, &size);
}
