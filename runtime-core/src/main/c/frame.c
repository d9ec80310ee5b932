#define _GNU_SOURCE
#include "frame.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

void frame_put_u32(unsigned char *out, uint32_t v) {
  out[0] = (unsigned char)(v >> 24);
  out[1] = (unsigned char)(v >> 16);
  out[2] = (unsigned char)(v >> 8);
  out[3] = (unsigned char)v;
}

void frame_header(unsigned char *out, enum frame_type type, size_t len) {
  out[0] = (unsigned char)type;
  frame_put_u32(out + 1, (uint32_t)len);
}

int frame_fill(struct frame_reader *r, int fd) {
  if (r->start > 0) {
    memmove(r->buf, r->buf + r->start, r->len - r->start);
    r->len -= r->start;
    r->start = 0;
  }
  if (r->len == sizeof r->buf) {
    return 1; /* a whole frame is waiting to be taken */
  }
  ssize_t n = read(fd, r->buf + r->len, sizeof r->buf - r->len);
  if (n < 0) {
    return errno == EINTR || errno == EAGAIN ? 1 : -1;
  }
  if (n == 0) {
    return 0;
  }
  r->len += (size_t)n;
  return 1;
}

int frame_next(struct frame_reader *r, struct frame *f) {
  size_t have = r->len - r->start;
  if (have < FRAME_HEADER) {
    return 0;
  }
  const unsigned char *h = r->buf + r->start;
  size_t len = (size_t)h[1] << 24 | (size_t)h[2] << 16 | (size_t)h[3] << 8 | h[4];
  if (len > FRAME_MAX_PAYLOAD) {
    return -1;
  }
  if (have < FRAME_HEADER + len) {
    return 0;
  }
  f->type = (enum frame_type)h[0];
  f->payload = h + FRAME_HEADER;
  f->len = len;
  r->start += FRAME_HEADER + len;
  return 1;
}

int frame_write(int fd, enum frame_type type, const void *payload, size_t len) {
  unsigned char header[FRAME_HEADER];
  frame_header(header, type, len);
  struct iovec iov[2] = {{header, sizeof header}, {(void *)payload, len}};
  size_t left = sizeof header + len;
  while (left > 0) {
    ssize_t n = writev(fd, iov, 2);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return -1;
    }
    left -= (size_t)n;
    for (int i = 0; i < 2 && n > 0; i++) {
      size_t used = (size_t)n < iov[i].iov_len ? (size_t)n : iov[i].iov_len;
      iov[i].iov_base = (char *)iov[i].iov_base + used;
      iov[i].iov_len -= used;
      n -= (ssize_t)used;
    }
  }
  return 0;
}
