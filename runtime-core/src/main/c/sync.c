#define _GNU_SOURCE
#include "sync.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

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

int sync_send_fd(int fd, const char *msg, int passed) {
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  memset(&control, 0, sizeof control);
  struct iovec iov = {(void *)msg, strlen(msg)};
  struct msghdr hdr = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
  struct cmsghdr *c = CMSG_FIRSTHDR(&hdr);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &passed, sizeof(int));
  ssize_t n;
  do {
    n = sendmsg(fd, &hdr, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  return n < 0 ? -1 : 0;
}

int sync_recv_fd(int fd, char *buf, size_t size, int *passed) {
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  struct iovec iov = {buf, size - 1};
  struct msghdr hdr = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
  *passed = -1;
  ssize_t n;
  do {
    n = recvmsg(fd, &hdr, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    return -1;
  }
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&hdr); c != NULL; c = CMSG_NXTHDR(&hdr, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      memcpy(passed, CMSG_DATA(c), sizeof(int));
    }
  }
  buf[n] = '\0';
  return (int)n;
}

void sync_send_error(int fd, const struct err *e) {
  char msg[sizeof e->msg + 8];
  snprintf(msg, sizeof msg, "error %s", e->msg);
  sync_send(fd, msg);
}
