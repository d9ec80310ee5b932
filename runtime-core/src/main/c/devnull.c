#define _GNU_SOURCE
#include "devnull.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int stdio_reopen_dev_null(struct err *e) {
  AUTO_FD null = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0) {
    return 0;
  }
  struct stat own;
  if (fstat(null, &own) < 0) {
    return fail_errno(e, "stat the container's /dev/null");
  }
  if (!S_ISCHR(own.st_mode)) {
    return 0;
  }
  for (int fd = 0; fd < 3; fd++) {
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != own.st_rdev) {
      continue;
    }
    if (dup3(null, fd, 0) < 0) {
      return fail_errno(e, "reopen /dev/null as fd %d", fd);
    }
  }
  return 0;
}
