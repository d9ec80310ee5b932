#define _GNU_SOURCE
#include "devices.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "resolve.h"

static int create_one(int rootfd, const struct plan_device *d, struct err *e) {
  AUTO_FREE char *copy = xstrdup(d->path);
  char *slash = strrchr(copy, '/');
  if (slash == NULL || slash[1] == '\0') {
    return fail(e, "device path %s is not absolute", d->path);
  }
  *slash = '\0';
  const char *name = slash + 1;
  /* Create the parent (e.g. /dev/snd) inside the root, then the node in it. */
  AUTO_FD parent = make_in_root(rootfd, copy[0] ? copy : "/", 0, e);
  if (parent < 0) {
    return -1;
  }
  char path[64];
  AUTO_FD dir = open(fd_path(parent, path, sizeof path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) {
    return fail_errno(e, "open parent of device %s", d->path);
  }
  mode_t type = d->kind == 'b' ? S_IFBLK : S_IFCHR;
  unlinkat(dir, name, 0);
  if (mknodat(dir, name, type | (d->mode & 07777), makedev(d->major, d->minor)) < 0) {
    return fail_errno(e, "mknod %s", d->path);
  }
  /* mknod honours the umask; the plan's mode is what the container must see. */
  if (fchmodat(dir, name, d->mode & 07777, 0) < 0 || fchownat(dir, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0) {
    return fail_errno(e, "chmod/chown %s", d->path);
  }
  return 0;
}

int devices_create(int rootfd, const struct plan *plan, struct err *e) {
  for (size_t i = 0; i < plan->ndevices; i++) {
    if (create_one(rootfd, &plan->devices[i], e) < 0) {
      return -1;
    }
  }
  return 0;
}

int devices_symlinks(int rootfd, struct err *e) {
  static const char *const LINKS[][2] = {
      {"fd", "/proc/self/fd"},         {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
      {"stderr", "/proc/self/fd/2"},   {"ptmx", "pts/ptmx"},         {"core", "/proc/kcore"},
  };
  AUTO_FD dev = open_in_root(rootfd, "/dev", O_RDONLY | O_DIRECTORY);
  if (dev < 0) {
    return fail_errno(e, "open /dev in container root");
  }
  for (size_t i = 0; i < sizeof LINKS / sizeof LINKS[0]; i++) {
    if (symlinkat(LINKS[i][1], dev, LINKS[i][0]) < 0 && errno != EEXIST) {
      return fail_errno(e, "symlink /dev/%s", LINKS[i][0]);
    }
  }
  return 0;
}
