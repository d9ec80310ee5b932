#define _GNU_SOURCE
#include "cgroupfs.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "resolve.h"

#define CGROUPFS "/sys/fs/cgroup"

static int valid_name(const char *name) {
  return name[0] != '\0' && strchr(name, '/') == NULL && strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

int cgroupfs_plan_directive(struct cgroupfs_plan **planp, char **f, size_t nf, struct err *e) {
  if (*planp == NULL) {
    *planp = xmalloc(sizeof **planp);
    memset(*planp, 0, sizeof **planp);
  }
  struct cgroupfs_plan *plan = *planp;
  if (strcmp(f[0], "cgroupfs") == 0) {
    if (nf != 3 || (strcmp(f[1], "unified") != 0 && strcmp(f[1], "tmpfs") != 0)) {
      return fail(e, "cgroupfs takes a layout (unified or tmpfs) and flags");
    }
    char *end;
    plan->unified = strcmp(f[1], "unified") == 0;
    plan->flags = strtoul(f[2], &end, 0);
    return *end == '\0' ? 0 : fail(e, "cgroupfs flags '%s' are not a number", f[2]);
  }
  int link = strcmp(f[0], "cgroupfs_link") == 0;
  if (!link && strcmp(f[0], "cgroupfs_mount") != 0) {
    return fail(e, "unknown directive '%s'", f[0]);
  }
  if (nf != (link ? 3u : 4u) || !valid_name(f[1])) {
    return fail(e, "%s takes a name without '/' and %s", f[0], link ? "a target" : "a type and data");
  }
  struct cgroupfs_entry entry = {
      .name = xstrdup(f[1]), .fstype = link ? NULL : xstrdup(f[2]), .data = xstrdup(f[link ? 2 : 3])};
  plan->entries = array_push(plan->entries, &plan->nentries, sizeof entry, &entry);
  return 0;
}

/* Mounts fstype on path (created inside the root when missing). */
static int mount_at(int rootfd, const char *path, const char *fstype, unsigned long flags, const char *data,
                    struct err *e) {
  AUTO_FD target = make_in_root(rootfd, path, 0, e);
  if (target < 0) {
    return -1;
  }
  char proc[64];
  if (mount(fstype, fd_path(target, proc, sizeof proc), fstype, flags, data && data[0] ? data : NULL) < 0) {
    return fail_errno(e, "mount %s on %s (%s)", fstype, path, data ? data : "");
  }
  return 0;
}

int cgroupfs_mount(int rootfd, const struct cgroupfs_plan *plan, struct err *e) {
  if (plan == NULL) {
    return 0;
  }
  if (plan->unified) {
    return mount_at(rootfd, CGROUPFS, "cgroup2", plan->flags, NULL, e);
  }
  if (mount_at(rootfd, CGROUPFS, "tmpfs", plan->flags & ~(unsigned long)MS_RDONLY, "mode=755", e) < 0) {
    return -1;
  }
  AUTO_FD dir = open_in_root(rootfd, CGROUPFS, O_RDONLY | O_DIRECTORY);
  if (dir < 0) {
    return fail_errno(e, "open %s in the container", CGROUPFS);
  }
  for (size_t i = 0; i < plan->nentries; i++) {
    const struct cgroupfs_entry *entry = &plan->entries[i];
    if (entry->fstype == NULL) {
      if (symlinkat(entry->data, dir, entry->name) < 0) {
        return fail_errno(e, "symlink %s/%s", CGROUPFS, entry->name);
      }
      continue;
    }
    AUTO_FREE char *path = xasprintf("%s/%s", CGROUPFS, entry->name);
    if (mount_at(rootfd, path, entry->fstype, plan->flags, entry->data, e) < 0) {
      return -1;
    }
  }
  if (plan->flags & MS_RDONLY) {
    char proc[64];
    unsigned long keep = plan->flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME);
    if (mount(NULL, fd_path(dir, proc, sizeof proc), NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | keep, NULL) < 0) {
      return fail_errno(e, "remount %s read-only", CGROUPFS);
    }
  }
  return 0;
}
