#define _GNU_SOURCE
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroupfs.h"
#include "devices.h"
#include "idmount.h"
#include "resolve.h"

#define REMOUNT_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME)

static int recursive_readonly(int fd, const char *dest, struct err *e) {
  struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
  if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0) {
    return fail_errno(e, "make %s recursively read-only", dest);
  }
  return 0;
}

static int mount_one(int rootfd, const struct plan_mount *m, struct err *e) {
  int bind = (m->flags & MS_BIND) != 0;
  int as_file = 0;
  if (bind) {
    struct stat st;
    if (stat(m->source, &st) < 0) {
      return fail_errno(e, "bind mount source %s", m->source);
    }
    as_file = !S_ISDIR(st.st_mode);
  }
  AUTO_FD target = make_in_root(rootfd, m->dest, as_file, e);
  if (target < 0) {
    return -1;
  }
  char path[64];
  fd_path(target, path, sizeof path);
  if (bind && m->idmap_userns) {
    if (idmount_bind(m->source, target, m->idmap_userns, (m->flags & MS_REC) != 0, m->dest, e) < 0) {
      return -1;
    }
  } else if (bind) {
    if (mount(m->source, path, NULL, MS_BIND | (m->flags & MS_REC), NULL) < 0) {
      return fail_errno(e, "bind mount %s on %s", m->source, m->dest);
    }
  } else if (mount(m->source, path, m->type, m->flags, m->data) < 0) {
    return fail_errno(e, "mount %s on %s", m->type, m->dest);
  }
  /* The O_PATH fd still names the directory under the new mount: look the path up again
     to reach the mount itself for the remount and propagation calls. */
  AUTO_FD mounted = open_in_root(rootfd, m->dest, O_PATH);
  if (mounted < 0) {
    return fail_errno(e, "resolve %s after mounting", m->dest);
  }
  fd_path(mounted, path, sizeof path);
  if (bind && (m->flags & REMOUNT_FLAGS) &&
      mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | (m->flags & REMOUNT_FLAGS), NULL) < 0) {
    return fail_errno(e, "remount %s with its options", m->dest);
  }
  if (m->propagation && mount(NULL, path, NULL, m->propagation, NULL) < 0) {
    return fail_errno(e, "set propagation of %s", m->dest);
  }
  if (m->recursive_readonly && recursive_readonly(mounted, m->dest, e) < 0) {
    return -1;
  }
  return 0;
}

static int pivot(const char *rootfs, struct err *e) {
  if (chdir(rootfs) < 0) {
    return fail_errno(e, "chdir %s", rootfs);
  }
  /* pivot_root(".", ".") stacks the old root on top of the new one; unmounting "." then
     drops it without needing a directory for it inside the image. */
  if (syscall(SYS_pivot_root, ".", ".") < 0) {
    return fail_errno(e, "pivot_root %s", rootfs);
  }
  if (umount2(".", MNT_DETACH) < 0) {
    return fail_errno(e, "detach the old root");
  }
  if (chdir("/") < 0) {
    return fail_errno(e, "chdir /");
  }
  return 0;
}

static int mask(int rootfd, const char *dest, struct err *e) {
  AUTO_FD fd = open_in_root(rootfd, dest, O_PATH);
  if (fd < 0) {
    return errno == ENOENT ? 0 : fail_errno(e, "resolve masked path %s", dest);
  }
  struct stat st;
  char path[64];
  if (fstat(fd, &st) < 0) {
    return fail_errno(e, "stat masked path %s", dest);
  }
  fd_path(fd, path, sizeof path);
  if (S_ISDIR(st.st_mode)) {
    if (mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0") < 0) {
      return fail_errno(e, "mask directory %s", dest);
    }
  } else if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0) {
    return fail_errno(e, "mask file %s", dest);
  }
  return 0;
}

static int make_readonly(int rootfd, const char *dest, struct err *e) {
  AUTO_FD fd = open_in_root(rootfd, dest, O_PATH);
  if (fd < 0) {
    return errno == ENOENT ? 0 : fail_errno(e, "resolve read-only path %s", dest);
  }
  char path[64];
  if (mount(fd_path(fd, path, sizeof path), path, NULL, MS_BIND | MS_REC, NULL) < 0) {
    return fail_errno(e, "bind read-only path %s", dest);
  }
  AUTO_FD mounted = open_in_root(rootfd, dest, O_PATH);
  if (mounted < 0) {
    return fail_errno(e, "resolve %s after mounting", dest);
  }
  if (recursive_readonly(mounted, dest, e) < 0) {
    return -1;
  }
  return 0;
}

int mounts_setup(const struct plan *plan, struct err *e) {
  unsigned long propagation = plan->root_propagation ? plan->root_propagation : MS_SLAVE | MS_REC;
  /* Nothing mounted below may propagate back to the host (unless a shared mount asks for it). */
  if (mount(NULL, "/", NULL, propagation, NULL) < 0) {
    return fail_errno(e, "set propagation of /");
  }
  if (plan->rootfs == NULL) {
    return fail(e, "the launch plan names no rootfs");
  }
  /* pivot_root fails (EINVAL) when the new root or its parent mount is shared, which they
     are after an rshared root propagation: the rootfs mount (skiffd's overlay) is made
     private first, as runc does; mounts made inside it later keep their own propagation.
     EINVAL here means the rootfs is a plain directory, not a mount: nothing to change. */
  if (mount(NULL, plan->rootfs, NULL, MS_PRIVATE, NULL) < 0 && errno != EINVAL) {
    return fail_errno(e, "make rootfs %s private", plan->rootfs);
  }
  /* pivot_root needs the new root to be a mount point; the bind makes it one even for a
     plain directory, and keeps the overlay mount of skiffd's namespace untouched. */
  if (mount(plan->rootfs, plan->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0) {
    return fail_errno(e, "bind rootfs %s", plan->rootfs);
  }
  AUTO_FD rootfd = open(plan->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) {
    return fail_errno(e, "open rootfs %s", plan->rootfs);
  }
  int dev_tmpfs = 0;
  for (size_t i = 0; i < plan->nmounts; i++) {
    if (mount_one(rootfd, &plan->mounts[i], e) < 0) {
      return -1;
    }
    dev_tmpfs |= strcmp(plan->mounts[i].dest, "/dev") == 0 && strcmp(plan->mounts[i].type, "tmpfs") == 0;
  }
  if (cgroupfs_mount(rootfd, plan->cgroupfs, e) < 0) {
    return -1;
  }
  if (devices_create(rootfd, plan, e) < 0) {
    return -1;
  }
  if (dev_tmpfs && devices_symlinks(rootfd, e) < 0) {
    return -1;
  }
  if (pivot(plan->rootfs, e) < 0) {
    return -1;
  }
  AUTO_FD newroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (newroot < 0) {
    return fail_errno(e, "open the new root");
  }
  for (size_t i = 0; i < plan->nmasked; i++) {
    if (mask(newroot, plan->masked[i], e) < 0) {
      return -1;
    }
  }
  for (size_t i = 0; i < plan->nreadonly_paths; i++) {
    if (make_readonly(newroot, plan->readonly_paths[i], e) < 0) {
      return -1;
    }
  }
  if (plan->readonly_rootfs && mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0) {
    return fail_errno(e, "remount the root read-only");
  }
  return 0;
}
