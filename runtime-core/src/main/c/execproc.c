#define _GNU_SOURCE
#include "execproc.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "execpath.h"
#include "identity.h"
#include "pty.h"
#include "seccomp.h"
#include "sync.h"

static const struct {
  const char *name;
  int type;
} NAMESPACES[EXEC_NAMESPACES] = {
    {"cgroup", CLONE_NEWCGROUP}, {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS},
    {"net", CLONE_NEWNET},       {"pid", CLONE_NEWPID}, {"mnt", CLONE_NEWNS}, /* mnt: it changes / */
    /* user last: joining the pod's user namespace drops every capability over namespaces the
       host's user namespace owns (pid, mnt). */
    {"user", CLONE_NEWUSER},
};

/* Opens the container process's namespaces that differ from ours; fds[i] = -1 for shared ones. */
static int open_namespaces(pid_t pid, int *fds, struct err *e) {
  for (size_t i = 0; i < EXEC_NAMESPACES; i++) {
    char theirs[64];
    char ours[64];
    struct stat a, b;
    snprintf(theirs, sizeof theirs, "/proc/%d/ns/%s", (int)pid, NAMESPACES[i].name);
    snprintf(ours, sizeof ours, "/proc/self/ns/%s", NAMESPACES[i].name);
    fds[i] = -1;
    if (stat(theirs, &a) < 0) {
      return fail_errno(e, "container process %d: %s", (int)pid, theirs);
    }
    /* setns into the mount namespace we are in would still reset our root: skip shared ones. */
    if (stat(ours, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
      continue;
    }
    fds[i] = open(theirs, O_RDONLY | O_CLOEXEC);
    if (fds[i] < 0) {
      return fail_errno(e, "open %s", theirs);
    }
  }
  return 0;
}

/* pid_only: the shim itself joins only the PID namespace (it applies to its children) and
   stays in the host's mount namespace; the reaper joins the rest. */
static int enter_namespaces(const int *fds, int pid_only, struct err *e) {
  for (size_t i = 0; i < EXEC_NAMESPACES; i++) {
    if (fds[i] < 0 || (pid_only != (NAMESPACES[i].type == CLONE_NEWPID))) {
      continue;
    }
    if (setns(fds[i], NAMESPACES[i].type) < 0) {
      return fail_errno(e, "setns %s of the container", NAMESPACES[i].name);
    }
  }
  return 0;
}

int exec_prepare(const char *bundle, pid_t pid, unsigned long long pid_start, struct plan *plan, int *ns_fds,
                 struct err *e) {
  AUTO_FREE char *plan_path = xasprintf("%s/shim-plan", bundle);
  unsigned long long start = 0;
  for (size_t i = 0; i < EXEC_NAMESPACES; i++) {
    ns_fds[i] = -1;
  }
  if (plan_load(plan_path, plan, e) < 0) {
    return -1;
  }
  if (pid_start && (proc_start_time(pid, &start) < 0 || start != pid_start)) {
    return fail(e, "container process %d is not running", (int)pid);
  }
  if (cgroup_join(plan, getpid(), e) < 0 || open_namespaces(pid, ns_fds, e) < 0 || enter_namespaces(ns_fds, 1, e) < 0) {
    return -1;
  }
  return 0;
}

/* With a tty the command leads a session of its own, as a login shell does (the reaper must
   not make it a group leader first, or setsid would fail); without, a process group. */
static int take_terminal(int tty, int slave, struct err *e) {
  if (!tty) {
    setpgid(0, 0);
    return 0;
  }
  if (setsid() < 0) {
    return fail_errno(e, "setsid");
  }
  return pty_take(slave, e);
}

__attribute__((noreturn)) static void command(const struct plan *plan, char **args, int tty, int slave, int report) {
  struct err e = {{0}};
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  signal(SIGPIPE, SIG_DFL);
  if (take_terminal(tty, slave, &e) < 0) {
    /* reported below */
  } else if (chdir(plan->cwd ? plan->cwd : "/") < 0 && chdir("/") < 0) {
    fail_errno(&e, "chdir");
  } else if (seccomp_before_identity(plan, &e) == 0 && identity_apply(plan, &e) == 0 &&
             seccomp_after_identity(plan, &e) == 0) {
    exec_process(args, plan->env, plan_getenv(plan, "PATH"), &e);
  }
  write_all(report, e.msg, strlen(e.msg));
  _exit(127);
}

static int setup_stdio(const struct exec_stdio *io, int null, struct err *e) {
  if (dup2(io->in >= 0 ? io->in : null, 0) < 0) {
    return fail_errno(e, "set up stdin");
  }
  if (!io->tty && (dup2(io->out, 1) < 0 || dup2(io->err, 2) < 0)) {
    return fail_errno(e, "set up stdout and stderr");
  }
  return 0;
}

/* In the container's mounts: a pty of its devpts; the master goes to the exec shim. */
static int open_terminal(const struct plan *plan, int report, int *slave, struct err *e) {
  AUTO_FD master = -1;
  if (pty_open(&master, slave, plan->uid, plan->gid, e) < 0) {
    return -1;
  }
  if (sync_send_fd(report, "pty", master) < 0) {
    return fail_errno(e, "hand over the pty master");
  }
  return 0;
}

static void reap(pid_t cmd, int status_fd) {
  int status = 0;
  int done = 0;
  int64_t give_up = INT64_MAX;
  sigset_t wanted;
  sigemptyset(&wanted);
  sigaddset(&wanted, SIGTERM);
  sigaddset(&wanted, SIGCHLD);
  while (now_ns() < give_up) {
    struct timespec tick = {.tv_nsec = 50 * 1000000};
    if (sigtimedwait(&wanted, NULL, &tick) == SIGTERM) {
      kill(-cmd, SIGKILL);
    }
    int st;
    pid_t r;
    while ((r = waitpid(-1, &st, WNOHANG)) > 0) {
      if (r == cmd) {
        status = st;
        done = 1;
        kill(-cmd, SIGKILL);
        give_up = now_ns() + 1000000000LL;
      }
    }
    if (r < 0 && errno == ECHILD) {
      break;
    }
  }
  char text[32];
  snprintf(text, sizeof text, "%d %d", done, status);
  write_all(status_fd, text, strlen(text));
}

void exec_reaper(const struct plan *plan, const int *ns_fds, char **args, const struct exec_stdio *io) {
  struct err e = {{0}};
  int slave = -1;
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0 || setup_stdio(io, null, &e) < 0) {
    if (null < 0) {
      fail_errno(&e, "open /dev/null");
    }
  } else if (enter_namespaces(ns_fds, 0, &e) == 0 && (!io->tty || open_terminal(plan, io->report, &slave, &e) == 0)) {
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    pid_t cmd = fork();
    if (cmd == 0) {
      command(plan, args, io->tty, slave, io->report);
    }
    if (cmd < 0) {
      fail_errno(&e, "fork");
    } else {
      if (!io->tty) {
        setpgid(cmd, cmd);
      }
      /* Only the command may hold these now: end-of-file on them means it exec'd or exited. */
      close(io->report);
      if (slave >= 0) {
        close(slave);
      }
      dup2(null, 0);
      dup2(null, 1);
      dup2(null, 2);
      reap(cmd, io->status);
      _exit(0);
    }
  }
  write_all(io->report, e.msg, strlen(e.msg));
  _exit(127);
}

int exec_read_status(int status_fd, int *done, int *wait_status) {
  char text[32] = {0};
  ssize_t got = read(status_fd, text, sizeof text - 1);
  if (got <= 0 || sscanf(text, "%d %d", done, wait_status) != 2) {
    return -1;
  }
  return 0;
}
