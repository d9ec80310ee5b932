/*
 * The CRI container log: one line per record, "<RFC3339Nano> <stdout|stderr> <F|P> <text>\n".
 * F closes a line; a line longer than the limit, or output that ends without a newline, is
 * written in pieces tagged P, the last piece F (or P when the stream ended mid-line).
 */
#ifndef SKIFF_LOGFILE_H
#define SKIFF_LOGFILE_H

#include <stddef.h>

#include "util.h"

#define LOG_LINE_DEFAULT_MAX (16 * 1024)

struct log_file {
  char *path; /* NULL: output is read and dropped */
  int fd;
};

struct log_stream {
  const char *name; /* "stdout" or "stderr" */
  char *buf;
  size_t len;
  size_t max;
};

int log_open(struct log_file *log, const char *path, struct err *e);
/* Opens the path again, for ReopenContainerLog after kubelet rotated the file away. */
int log_reopen(struct log_file *log, struct err *e);
void log_stream_init(struct log_stream *s, const char *name, size_t max_line);
void log_feed(struct log_file *log, struct log_stream *s, const char *data, size_t n);
/* At end of stream: writes what is buffered as a P record. */
void log_finish(struct log_file *log, struct log_stream *s);

#endif
