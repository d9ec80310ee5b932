#define _GNU_SOURCE
#include "control.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

int control_listen(const char *path, struct err *e) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof addr.sun_path) {
    return fail(e, "control socket path %s is longer than %zu bytes", path, sizeof addr.sun_path - 1);
  }
  strcpy(addr.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return fail_errno(e, "socket");
  }
  unlink(path);
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 16) < 0) {
    fail_errno(e, "listen on %s", path);
    close(fd);
    return -1;
  }
  return fd;
}

int control_accept(int listen_fd, char *cmd, size_t size) {
  int client = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
  if (client < 0) {
    return -1;
  }
  /* A client that connects and says nothing must not stall the shim. */
  struct timeval timeout = {.tv_sec = 2};
  setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  size_t len = 0;
  while (len + 1 < size) {
    ssize_t n = read(client, cmd + len, 1);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0 || cmd[len] == '\n') {
      break;
    }
    len++;
  }
  cmd[len] = '\0';
  if (len == 0) {
    close(client);
    return -1;
  }
  return client;
}

void control_reply(int client, const char *reply) {
  size_t len = strlen(reply);
  if (send(client, reply, len, MSG_NOSIGNAL) == (ssize_t)len) {
    send(client, "\n", 1, MSG_NOSIGNAL);
  }
}
