#define _GNU_SOURCE
#include "sync.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int sync_send(int fd, const char *msg) {
  ssize_t n;
  do {
    n = send(fd, msg, strlen(msg), MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  return n < 0 ? -1 : 0;
}

int sync_recv(int fd, char *buf, size_t size) {
  ssize_t n;
  do {
    n = recv(fd, buf, size - 1, 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    return -1;
  }
  buf[n] = '\0';
  return (int)n;
}

void sync_send_error(int fd, const struct err *e) {
  char msg[sizeof e->msg + 8];
  snprintf(msg, sizeof msg, "error %s", e->msg);
  sync_send(fd, msg);
}
