#define _GNU_SOURCE
#include "idmount.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

int idmount_bind(const char *source, int target, const char *userns_path, int recursive, const char *dest,
                 struct err *e) {
  AUTO_FD userns = open(userns_path, O_RDONLY | O_CLOEXEC);
  if (userns < 0) {
    return fail_errno(e, "open user namespace %s to idmap %s", userns_path, dest);
  }
  unsigned int recursion = recursive ? AT_RECURSIVE : 0;
  AUTO_FD tree = (int)syscall(SYS_open_tree, AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | recursion);
  if (tree < 0) {
    return fail_errno(e, "clone %s to idmap it on %s", source, dest);
  }
  struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (unsigned long long)userns};
  if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | recursion, &attr, sizeof attr) < 0) {
    /* EINVAL here is what a filesystem without idmapped mounts answers. */
    return errno == EINVAL
               ? fail_errno(e, "idmap %s for %s (its filesystem may not support idmapped mounts)", source, dest)
               : fail_errno(e, "idmap %s for %s", source, dest);
  }
  if (syscall(SYS_move_mount, tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
    return fail_errno(e, "attach idmapped %s on %s", source, dest);
  }
  return 0;
}
