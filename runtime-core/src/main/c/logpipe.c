#define _GNU_SOURCE
#include "logpipe.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "logfile.h"

int log_pipe_main(const char *log_path, const char *stream, size_t max_line) {
  struct err e;
  struct log_file log;
  struct log_stream s;
  if (log_open(&log, log_path, &e) < 0) {
    fprintf(stderr, "skiff-shim log-pipe: %s\n", e.msg);
    return 1;
  }
  log_stream_init(&s, stream, max_line);
  char buf[4096];
  for (;;) {
    ssize_t n = read(0, buf, sizeof buf);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    log_feed(&log, &s, buf, (size_t)n);
  }
  log_finish(&log, &s);
  return 0;
}
