#define _GNU_SOURCE
#include "attach.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "control.h"

int attach_listen(struct attach *a, const char *path, unsigned char ready_flags, struct err *e) {
  memset(a, 0, sizeof *a);
  a->ready_flags = ready_flags;
  a->path = xstrdup(path);
  a->listen_fd = control_listen(path, e);
  return a->listen_fd < 0 ? -1 : 0;
}

size_t attach_poll_fds(const struct attach *a, struct pollfd *fds, int reading) {
  size_t n = 0;
  fds[n++] = (struct pollfd){.fd = a->listen_fd, .events = POLLIN};
  for (size_t i = 0; i < a->nclients; i++) {
    const struct attach_client *c = &a->clients[i];
    short events = (reading ? POLLIN : 0) | (c->out.len > 0 ? POLLOUT : 0);
    fds[n++] = (struct pollfd){.fd = c->fd, .events = events};
  }
  return n;
}

static void queue_frame(struct attach_client *c, enum frame_type type, const void *data, size_t n) {
  unsigned char header[FRAME_HEADER];
  frame_header(header, type, n);
  outq_push(&c->out, header, sizeof header);
  outq_push(&c->out, data, n);
}

/* The client's stdin ended: with stdin_once, so does the container's. */
static void end_stdin(struct attach *a, struct attach_client *c, struct procin *in) {
  if (c->brings_stdin) {
    c->brings_stdin = 0;
    if (a->ready_flags & FRAME_READY_STDIN_ONCE) {
      procin_close(in);
    }
  }
}

/* Returns -1 when the client broke the protocol. */
static int on_frame(struct attach *a, struct attach_client *c, const struct frame *f, struct procin *in) {
  if (!c->greeted) {
    if (f->type != FRAME_HELLO || f->len != 1) {
      return -1;
    }
    c->greeted = 1;
    c->brings_stdin = (f->payload[0] & FRAME_HELLO_STDIN) && (a->ready_flags & FRAME_READY_STDIN);
    queue_frame(c, FRAME_READY, &a->ready_flags, 1);
    return 0;
  }
  switch (f->type) {
    case FRAME_STDIN:
      if (c->brings_stdin) {
        procin_write(in, f->payload, f->len);
      }
      return 0;
    case FRAME_STDIN_CLOSE:
      end_stdin(a, c, in);
      return 0;
    case FRAME_RESIZE:
      if (f->len == 4) {
        procin_resize(in, (unsigned)f->payload[0] << 8 | f->payload[1], (unsigned)f->payload[2] << 8 | f->payload[3]);
      }
      return 0;
    default:
      return -1;
  }
}

static void drop(struct attach *a, struct attach_client *c, struct procin *in) {
  end_stdin(a, c, in);
  close(c->fd);
  c->fd = -1;
  free(c->in);
  c->in = NULL;
  outq_free(&c->out);
}

static void read_client(struct attach *a, struct attach_client *c, struct procin *in) {
  int filled = frame_fill(c->in, c->fd);
  struct frame f;
  int got;
  while ((got = frame_next(c->in, &f)) > 0) {
    if (on_frame(a, c, &f, in) < 0) {
      drop(a, c, in);
      return;
    }
  }
  if (got < 0 || filled <= 0) {
    drop(a, c, in);
  }
}

static void accept_client(struct attach *a) {
  int fd = accept4(a->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (fd < 0) {
    return;
  }
  if (a->nclients == ATTACH_MAX_CLIENTS) {
    close(fd);
    return;
  }
  struct attach_client *c = &a->clients[a->nclients++];
  *c = (struct attach_client){.fd = fd, .in = xmalloc(sizeof *c->in)};
}

void attach_handle(struct attach *a, const struct pollfd *fds, size_t n, struct procin *in) {
  /* fds[1 + i] is client i, as attach_poll_fds laid them out. */
  for (size_t i = 0; i + 1 < n && i < a->nclients; i++) {
    struct attach_client *c = &a->clients[i];
    short revents = fds[1 + i].revents;
    if (c->fd < 0 || revents == 0) {
      continue;
    }
    if (revents & (POLLIN | POLLHUP | POLLERR)) {
      read_client(a, c, in);
    }
    if (c->fd >= 0 && (revents & POLLOUT) && outq_flush(&c->out, c->fd) < 0) {
      drop(a, c, in);
    }
  }
  size_t kept = 0;
  for (size_t i = 0; i < a->nclients; i++) {
    if (a->clients[i].fd >= 0) {
      a->clients[kept++] = a->clients[i];
    }
  }
  a->nclients = kept;
  if (fds[0].revents & POLLIN) {
    accept_client(a);
  }
}

void attach_output(struct attach *a, enum frame_type type, const void *data, size_t n) {
  for (size_t i = 0; i < a->nclients; i++) {
    struct attach_client *c = &a->clients[i];
    if (!c->greeted) {
      continue;
    }
    if (c->out.len > OUTQ_LIMIT) {
      /* Too slow: it would stall the container's output and its log. */
      fprintf(stderr, "Dropping attach client %d: more than %d bytes of output queued\n", c->fd, OUTQ_LIMIT);
      shutdown(c->fd, SHUT_RDWR);
      continue;
    }
    queue_frame(c, type, data, n);
    if (outq_flush(&c->out, c->fd) < 0) {
      shutdown(c->fd, SHUT_RDWR); /* the next poll sees the hangup and drops it */
    }
  }
}

void attach_finish(struct attach *a, int exit_code) {
  unsigned char code[4];
  frame_put_u32(code, (uint32_t)exit_code);
  for (size_t i = 0; i < a->nclients; i++) {
    struct attach_client *c = &a->clients[i];
    if (c->greeted) {
      queue_frame(c, FRAME_EXIT, code, sizeof code);
      fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) & ~O_NONBLOCK);
      struct timeval timeout = {.tv_sec = 1};
      setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
      outq_flush(&c->out, c->fd);
    }
    close(c->fd);
    free(c->in);
    outq_free(&c->out);
  }
  a->nclients = 0;
  if (a->listen_fd >= 0) {
    close(a->listen_fd);
    a->listen_fd = -1;
    unlink(a->path);
  }
}
