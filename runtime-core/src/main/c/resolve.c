#define _GNU_SOURCE
#include "resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int open_in_root(int rootfd, const char *path, int flags) {
  struct open_how how = {
      .flags = (unsigned long long)(flags | O_CLOEXEC),
      .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  while (*path == '/') {
    path++;
  }
  if (*path == '\0') {
    path = ".";
  }
  for (;;) {
    long fd = syscall(SYS_openat2, rootfd, path, &how, sizeof how);
    /* EAGAIN: a rename raced the lookup; the kernel asks for a retry. */
    if (fd >= 0 || errno != EAGAIN) {
      return (int)fd;
    }
  }
}

const char *fd_path(int fd, char *buf, unsigned long size) {
  snprintf(buf, size, "/proc/self/fd/%d", fd);
  return buf;
}

#define MAX_LINK_DEPTH 40

static int make_in_root_depth(int rootfd, const char *path, int as_file, int depth, struct err *e);

/* parent/name is a symlink whose target is missing: create the target, inside the root,
   as runc's MkdirAll-in-root does; the lookup then follows the link to it. */
static int make_link_target(int rootfd, int parent, const char *parent_path, const char *name, int as_file,
                            int depth, struct err *e) {
  char target[4096];
  ssize_t n = readlinkat(parent, name, target, sizeof target - 1);
  if (n < 0) {
    return fail_errno(e, "%s/%s exists but is not a directory", parent_path, name);
  }
  target[n] = '\0';
  AUTO_FREE char *resolved = target[0] == '/' ? xstrdup(target) : xasprintf("%s/%s", parent_path, target);
  AUTO_FD fd = make_in_root_depth(rootfd, resolved, as_file, depth + 1, e);
  return fd < 0 ? -1 : 0;
}

int make_in_root(int rootfd, const char *path, int as_file, struct err *e) {
  return make_in_root_depth(rootfd, path, as_file, 0, e);
}

static int make_in_root_depth(int rootfd, const char *path, int as_file, int depth, struct err *e) {
  if (depth > MAX_LINK_DEPTH) {
    return fail(e, "too many levels of symlinks creating %s in container root", path);
  }
  AUTO_FREE char *copy = xstrdup(path);
  size_t len = strlen(copy);
  /* Walk prefixes: "/a", "/a/b", "/a/b/c". Each missing one is created in its parent, which
     was itself resolved inside the root; mkdirat and O_CREAT|O_EXCL never follow a symlink
     in the last component, so a dangling link fails instead of creating outside. */
  for (size_t i = 1; i <= len; i++) {
    if (i != len && copy[i] != '/') {
      continue;
    }
    if (i != len && copy[i - 1] == '/') {
      continue;
    }
    int last = i == len;
    char saved = copy[i];
    copy[i] = '\0';
    int fd = open_in_root(rootfd, copy, O_PATH);
    if (fd >= 0 && !last) {
      close(fd);
    }
    if (fd < 0) {
      if (errno != ENOENT) {
        return fail_errno(e, "resolve %s in container root", copy);
      }
      char *slash = strrchr(copy, '/');
      const char *name = slash ? slash + 1 : copy;
      if (slash) {
        *slash = '\0';
      }
      AUTO_FD parent = open_in_root(rootfd, slash ? copy : "/", O_PATH | O_DIRECTORY);
      if (slash) {
        *slash = '/';
      }
      if (parent < 0) {
        return fail_errno(e, "resolve parent of %s in container root", copy);
      }
      int made;
      if (last && as_file) {
        made = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (made >= 0) {
          close(made);
        }
      } else {
        made = mkdirat(parent, name, 0755);
      }
      if (made < 0 && errno != EEXIST) {
        return fail_errno(e, "create %s in container root", copy);
      }
      if (made < 0) {
        /* EEXIST for a name the lookup did not find: a dangling symlink. */
        char *slash2 = strrchr(copy, '/');
        if (slash2) {
          *slash2 = '\0';
        }
        int rc = make_link_target(rootfd, parent, slash2 && copy[0] ? copy : "", name, as_file, depth, e);
        if (slash2) {
          *slash2 = '/';
        }
        if (rc < 0) {
          return -1;
        }
      }
      fd = open_in_root(rootfd, copy, last ? O_PATH : O_PATH | O_DIRECTORY);
      if (fd < 0) {
        return fail_errno(e, "resolve %s in container root", copy);
      }
      if (!last) {
        close(fd);
      }
    }
    copy[i] = saved;
    if (last) {
      return fd;
    }
  }
  return open_in_root(rootfd, "/", O_PATH | O_DIRECTORY);
}
