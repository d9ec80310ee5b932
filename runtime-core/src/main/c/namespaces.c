#define _GNU_SOURCE
#include "namespaces.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

static const int CLONE_FLAG[NS_KINDS] = {
    [NS_NET] = CLONE_NEWNET, [NS_IPC] = CLONE_NEWIPC, [NS_UTS] = CLONE_NEWUTS,
    [NS_PID] = CLONE_NEWPID, [NS_CGROUP] = CLONE_NEWCGROUP, [NS_USER] = CLONE_NEWUSER,
};

int namespaces_clone_flags(const struct plan *plan) {
  int flags = CLONE_NEWNS;
  for (int kind = 0; kind < NS_KINDS; kind++) {
    /* A new cgroup namespace is unshared by the child once it is in its cgroup; a user
       namespace is only ever joined (the pod's), never made per container. */
    if (kind != NS_CGROUP && kind != NS_USER && plan->ns[kind].present && plan->ns[kind].path == NULL) {
      flags |= CLONE_FLAG[kind];
    }
  }
  return flags;
}

static int join(const struct plan *plan, int kind, struct err *e) {
  const char *path = plan->ns[kind].path;
  if (!plan->ns[kind].present || path == NULL) {
    return 0;
  }
  AUTO_FD fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return fail_errno(e, "open namespace %s", path);
  }
  if (setns(fd, CLONE_FLAG[kind]) < 0) {
    return fail_errno(e, "setns %s", path);
  }
  return 0;
}

int namespaces_join_pid(const struct plan *plan, struct err *e) {
  return join(plan, NS_PID, e);
}

int namespaces_open_user(const struct plan *plan, struct err *e) {
  const char *path = plan->ns[NS_USER].path;
  if (!plan->ns[NS_USER].present || path == NULL) {
    return -2;
  }
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  return fd < 0 ? fail_errno(e, "open namespace %s", path) : fd;
}

int namespaces_join_user(int fd, struct err *e) {
  if (fd >= 0 && setns(fd, CLONE_NEWUSER) < 0) {
    return fail_errno(e, "setns into the pod's user namespace");
  }
  return 0;
}

int namespaces_join(const struct plan *plan, struct err *e) {
  static const int ORDER[] = {NS_NET, NS_IPC, NS_UTS, NS_CGROUP};
  for (size_t i = 0; i < sizeof ORDER / sizeof ORDER[0]; i++) {
    if (join(plan, ORDER[i], e) < 0) {
      return -1;
    }
  }
  return 0;
}
