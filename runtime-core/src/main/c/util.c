#define _GNU_SOURCE
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int vfail(struct err *e, int with_errno, const char *fmt, va_list ap) {
  int saved = errno;
  int n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  if (with_errno && n >= 0 && (size_t)n < sizeof e->msg) {
    snprintf(e->msg + n, sizeof e->msg - n, ": %s", strerror(saved));
  }
  errno = saved;
  return -1;
}

int fail(struct err *e, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfail(e, 0, fmt, ap);
  va_end(ap);
  return -1;
}

int fail_errno(struct err *e, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfail(e, 1, fmt, ap);
  va_end(ap);
  return -1;
}

void close_fdp(int *fd) {
  if (*fd >= 0) {
    close(*fd);
    *fd = -1;
  }
}

void free_p(void *p) {
  free(*(void **)p);
}

void *xmalloc(size_t n) {
  void *p = calloc(1, n ? n : 1);
  if (p == NULL) {
    abort();
  }
  return p;
}

void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (p == NULL) {
    abort();
  }
  return p;
}

char *xstrdup(const char *s) {
  char *copy = strdup(s);
  if (copy == NULL) {
    abort();
  }
  return copy;
}

char *xasprintf(const char *fmt, ...) {
  va_list ap;
  char *out;
  va_start(ap, fmt);
  int n = vasprintf(&out, fmt, ap);
  va_end(ap);
  if (n < 0) {
    abort();
  }
  return out;
}

void *array_push(void *array, size_t *count, size_t item_size, const void *item) {
  char *grown = xrealloc(array, (*count + 1) * item_size);
  memcpy(grown + *count * item_size, item, item_size);
  (*count)++;
  return grown;
}

int write_all(int fd, const void *buf, size_t n) {
  const char *p = buf;
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) {
        continue;
      }
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

int write_existing(const char *path, const char *contents, struct err *e) {
  AUTO_FD fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    return fail_errno(e, "open %s", path);
  }
  if (write_all(fd, contents, strlen(contents)) < 0) {
    return fail_errno(e, "write %s", path);
  }
  return 0;
}

int write_atomic(const char *path, const char *contents, struct err *e) {
  AUTO_FREE char *temp = xasprintf("%s.%d.tmp", path, (int)getpid());
  AUTO_FD fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return fail_errno(e, "create %s", temp);
  }
  if (write_all(fd, contents, strlen(contents)) < 0) {
    fail_errno(e, "write %s", temp);
    unlink(temp);
    return -1;
  }
  if (rename(temp, path) < 0) {
    fail_errno(e, "rename %s", temp);
    unlink(temp);
    return -1;
  }
  return 0;
}

ssize_t read_small_file(const char *path, char *buf, size_t size) {
  AUTO_FD fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return -1;
  }
  size_t total = 0;
  while (total + 1 < size) {
    ssize_t r = read(fd, buf + total, size - 1 - total);
    if (r < 0) {
      if (errno == EINTR) {
        continue;
      }
      return -1;
    }
    if (r == 0) {
      break;
    }
    total += (size_t)r;
  }
  buf[total] = '\0';
  return (ssize_t)total;
}

int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

size_t format_rfc3339nano(char *buf, size_t size) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
  int m = snprintf(buf + n, size - n, ".%09ldZ", ts.tv_nsec);
  return n + (size_t)m;
}

int proc_start_time(pid_t pid, unsigned long long *out) {
  char path[64];
  char buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  if (read_small_file(path, buf, sizeof buf) < 0) {
    return -1;
  }
  /* The command name may hold spaces and parentheses: fields start after the last ')'. */
  char *p = strrchr(buf, ')');
  if (p == NULL) {
    return -1;
  }
  p++;
  for (int field = 3; field < 22; field++) {
    p = strchr(p + 1, ' ');
    if (p == NULL) {
      return -1;
    }
  }
  *out = strtoull(p + 1, NULL, 10);
  return 0;
}
