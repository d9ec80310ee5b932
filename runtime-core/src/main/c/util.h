/* Errors, files, time: the small helpers every part of the shim uses. */
#ifndef SKIFF_UTIL_H
#define SKIFF_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Every fallible function returns -1 (or an fd/pid >= 0) and fills a struct err. */
struct err {
  char msg[1024];
};

int fail(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Like fail, appending ": <strerror(errno)>". */
int fail_errno(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void close_fdp(int *fd);
void free_p(void *p);
#define AUTO_FD __attribute__((cleanup(close_fdp))) int
#define AUTO_FREE __attribute__((cleanup(free_p)))

void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Appends item to a malloc'd array of *count elements of size item_size. */
void *array_push(void *array, size_t *count, size_t item_size, const void *item);

int write_all(int fd, const void *buf, size_t n);
/* Writes contents to path (no create, no truncate): for /proc and cgroupfs files. */
int write_existing(const char *path, const char *contents, struct err *e);
/* temp file, rename: a reader sees all or nothing. Not fsync'd: the shim writes only below
   the run directory (tmpfs), whose files describe processes that a reboot ends, and a crash
   of skiffd or of the shim loses nothing that is in the page cache. */
int write_atomic(const char *path, const char *contents, struct err *e);
/* Reads at most size-1 bytes and NUL-terminates; returns the length or -1. */
ssize_t read_small_file(const char *path, char *buf, size_t size);

int64_t now_ns(void);
/* "2006-01-02T15:04:05.000000000Z" (UTC, always nine digits); returns its length. */
size_t format_rfc3339nano(char *buf, size_t size);
/* Field 22 of /proc/PID/stat, the start time in clock ticks since boot: pid + start time names a process. */
int proc_start_time(pid_t pid, unsigned long long *out);

#endif
