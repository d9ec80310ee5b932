#define _GNU_SOURCE
#include "container.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "devnull.h"
#include "execpath.h"
#include "identity.h"
#include "limits.h"
#include "mounts.h"
#include "namespaces.h"
#include "pty.h"
#include "resolve.h"
#include "seccomp.h"
#include "sync.h"

/* With a tty, stdio is /dev/null until the pty is opened in the container's mounts. */
static int setup_stdio(const struct container_io *io, struct err *e) {
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0) {
    return fail_errno(e, "open /dev/null");
  }
  int fds[3] = {io->stdin_r, io->stdout_w, io->stderr_w};
  for (int i = 0; i < 3; i++) {
    if (dup2(fds[i] >= 0 ? fds[i] : null, i) < 0) {
      return fail_errno(e, "dup2 stdio");
    }
  }
  close(null);
  return 0;
}

static int open_terminal(const struct plan *plan, int *master, struct err *e) {
  AUTO_FD slave = -1;
  if (pty_open(master, &slave, plan->uid, plan->gid, e) < 0) {
    return -1;
  }
  return pty_take(slave, e);
}

static int apply_sysctls(const struct plan *plan, struct err *e) {
  /* /proc/sys/net and the ipc sysctls show the namespaces of the opener: written here,
     after joining the pod's namespaces, they land in the pod's. */
  for (size_t i = 0; i < plan->nsysctls; i++) {
    AUTO_FREE char *path = xasprintf("/proc/sys/%s", plan->sysctl_keys[i]);
    for (char *p = path + strlen("/proc/sys/"); *p; p++) {
      if (*p == '.') {
        *p = '/';
      }
    }
    if (write_existing(path, plan->sysctl_values[i], e) < 0) {
      return -1;
    }
  }
  return 0;
}

static int enter_cwd(const struct plan *plan, struct err *e) {
  const char *cwd = plan->cwd ? plan->cwd : "/";
  AUTO_FD root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  /* A working directory missing from the image is created, as Docker does. */
  AUTO_FD dir = make_in_root(root, cwd, 0, e);
  if (dir < 0) {
    return -1;
  }
  if (chdir(cwd) < 0) {
    return fail_errno(e, "chdir %s", cwd);
  }
  return 0;
}

static void reset_signals(void) {
  /* The shim blocks and ignores signals for itself; mask and ignored dispositions would
     survive exec. */
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  signal(SIGPIPE, SIG_DFL);
}

static int setup(const struct plan *plan, const struct container_io *io, int *master, struct err *e) {
  reset_signals();
  if (setup_stdio(io, e) < 0) {
    return -1;
  }
  if (setsid() < 0) {
    return fail_errno(e, "setsid");
  }
  if (cgroup_join(plan, 0, e) < 0) {
    return -1;
  }
  if (namespaces_join(plan, e) < 0) {
    return -1;
  }
  AUTO_FD userns = namespaces_open_user(plan, e);
  if (userns == -1) {
    return -1;
  }
  /* A new cgroup namespace is made after joining the cgroup, so that cgroup is its root. */
  if (plan->ns[NS_CGROUP].present && plan->ns[NS_CGROUP].path == NULL && unshare(CLONE_NEWCGROUP) < 0) {
    return fail_errno(e, "unshare cgroup namespace");
  }
  if (plan->hostname && sethostname(plan->hostname, strlen(plan->hostname)) < 0) {
    return fail_errno(e, "sethostname %s", plan->hostname);
  }
  if (apply_sysctls(plan, e) < 0 || mounts_setup(plan, e) < 0 || limits_apply(plan, e) < 0) {
    return -1;
  }
  if (stdio_reopen_dev_null(e) < 0) {
    return -1;
  }
  if (enter_cwd(plan, e) < 0) {
    return -1;
  }
  if (plan->terminal && open_terminal(plan, master, e) < 0) {
    return -1;
  }
  /* The pod's user namespace last: the namespaces, mounts and devpts above belong to the host's
     user namespace and need its capabilities; setns into a user namespace gives full
     capabilities (and bounding set) inside it, which identity_apply then narrows. */
  if (namespaces_join_user(userns, e) < 0) {
    return -1;
  }
  /* Loading a filter needs no_new_privs or CAP_SYS_ADMIN: without no_new_privs it goes in
     while the shim still holds its capabilities (as runc does), so the profile must allow
     the identity syscalls; with it, after the start signal, as close to execve as possible. */
  if (seccomp_before_identity(plan, e) < 0) {
    return -1;
  }
  return identity_apply(plan, e);
}

void container_main(const struct plan *plan, const struct container_io *io) {
  struct err e = {{0}};
  char msg[64];
  int master = -1;
  if (setup(plan, io, &master, &e) < 0) {
    sync_send_error(io->sync, &e);
    _exit(1);
  }
  if ((master >= 0 ? sync_send_fd(io->sync, "ready", master) : sync_send(io->sync, "ready")) < 0) {
    _exit(1);
  }
  if (master >= 0) {
    close(master);
  }
  if (sync_recv(io->sync, msg, sizeof msg) <= 0 || strcmp(msg, "go") != 0) {
    _exit(1); /* the shim is gone: never run unsupervised */
  }
  if (seccomp_after_identity(plan, &e) == 0) {
    exec_process(plan->args, plan->env, plan_getenv(plan, "PATH"), &e);
  }
  sync_send_error(io->sync, &e);
  _exit(127);
}
