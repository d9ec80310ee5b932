#define _GNU_SOURCE
#include "pty.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

int pty_open(int *master, int *slave, uid_t uid, gid_t gid, struct err *e) {
  int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0) {
    return fail_errno(e, "open /dev/ptmx");
  }
  if (unlockpt(m) < 0) {
    fail_errno(e, "unlockpt");
    close(m);
    return -1;
  }
  /* TIOCGPTPEER opens the slave through the master, never through a path in the container. */
  int s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0) {
    fail_errno(e, "open the pty slave");
    close(m);
    return -1;
  }
  if (fchown(s, uid, gid) < 0) {
    fail_errno(e, "chown the pty slave to %d:%d", (int)uid, (int)gid);
    close(s);
    close(m);
    return -1;
  }
  *master = m;
  *slave = s;
  return 0;
}

int pty_take(int slave, struct err *e) {
  if (ioctl(slave, TIOCSCTTY, 0) < 0) {
    return fail_errno(e, "make the pty the controlling terminal");
  }
  for (int fd = 0; fd < 3; fd++) {
    if (dup2(slave, fd) < 0) {
      return fail_errno(e, "dup2 the pty slave");
    }
  }
  return 0;
}
