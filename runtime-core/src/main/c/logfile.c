#define _GNU_SOURCE
#include "logfile.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

int log_open(struct log_file *log, const char *path, struct err *e) {
  log->path = path ? xstrdup(path) : NULL;
  log->fd = -1;
  return log_reopen(log, e);
}

int log_reopen(struct log_file *log, struct err *e) {
  if (log->path == NULL) {
    return 0;
  }
  int fd = open(log->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) {
    return fail_errno(e, "open log file %s", log->path);
  }
  if (log->fd >= 0) {
    close(log->fd);
  }
  log->fd = fd;
  return 0;
}

void log_stream_init(struct log_stream *s, const char *name, size_t max_line) {
  s->name = name;
  s->max = max_line ? max_line : LOG_LINE_DEFAULT_MAX;
  s->buf = xmalloc(s->max);
  s->len = 0;
}

static void write_record(struct log_file *log, const char *stream, char tag, const char *text, size_t n) {
  if (log->fd < 0) {
    return;
  }
  char prefix[80];
  size_t p = format_rfc3339nano(prefix, sizeof prefix);
  p += (size_t)snprintf(prefix + p, sizeof prefix - p, " %s %c ", stream, tag);
  struct iovec iov[3] = {
      {.iov_base = prefix, .iov_len = p},
      {.iov_base = (void *)text, .iov_len = n},
      {.iov_base = "\n", .iov_len = 1},
  };
  /* One writev per record: with O_APPEND a record is never interleaved with another. A
     failed write (disk full) drops the record rather than blocking the container. */
  ssize_t w = writev(log->fd, iov, 3);
  (void)w;
}

void log_feed(struct log_file *log, struct log_stream *s, const char *data, size_t n) {
  while (n > 0) {
    const char *nl = memchr(data, '\n', n);
    size_t take = nl ? (size_t)(nl - data) : n;
    while (s->len + take > s->max) {
      size_t room = s->max - s->len;
      memcpy(s->buf + s->len, data, room);
      write_record(log, s->name, 'P', s->buf, s->max);
      s->len = 0;
      data += room;
      n -= room;
      take -= room;
    }
    memcpy(s->buf + s->len, data, take);
    s->len += take;
    data += take;
    n -= take;
    if (nl != NULL) {
      write_record(log, s->name, 'F', s->buf, s->len);
      s->len = 0;
      data++;
      n--;
    }
  }
}

void log_finish(struct log_file *log, struct log_stream *s) {
  if (s->len > 0) {
    write_record(log, s->name, 'P', s->buf, s->len);
    s->len = 0;
  }
}
