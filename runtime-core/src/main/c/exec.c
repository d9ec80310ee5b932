#define _GNU_SOURCE
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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
#include "plan.h"
#include "seccomp.h"
#include "util.h"

#define OUTPUT_CAP (16 * 1024 * 1024)
/* After the command exits, output still held by its background children is read this long. */
#define DRAIN_AFTER_EXIT_MS 200

static const struct {
  const char *name;
  int type;
} NAMESPACES[] = {
    {"cgroup", CLONE_NEWCGROUP}, {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS},
    {"net", CLONE_NEWNET},       {"pid", CLONE_NEWPID}, {"mnt", CLONE_NEWNS}, /* mnt last: it changes / */
};
#define NNAMESPACES (sizeof NAMESPACES / sizeof NAMESPACES[0])

static int write_result(const char *path, const char *text) {
  struct err e;
  if (write_atomic(path, text, &e) < 0) {
    fprintf(stderr, "skiff-shim exec: %s\n", e.msg);
    return 1;
  }
  return 0;
}

/* Opens the container process's namespaces that differ from ours; fds[i] = -1 for shared ones. */
static int open_namespaces(pid_t pid, int *fds, struct err *e) {
  for (size_t i = 0; i < NNAMESPACES; i++) {
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
   stays in the host's mount namespace to write the result; the command joins the rest. */
static int enter_namespaces(const int *fds, int pid_only, struct err *e) {
  for (size_t i = 0; i < NNAMESPACES; i++) {
    if (fds[i] < 0 || (pid_only != (NAMESPACES[i].type == CLONE_NEWPID))) {
      continue;
    }
    if (setns(fds[i], NAMESPACES[i].type) < 0) {
      return fail_errno(e, "setns %s of the container", NAMESPACES[i].name);
    }
  }
  return 0;
}

__attribute__((noreturn)) static void command(const struct plan *plan, char **args, int report) {
  struct err e = {{0}};
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  signal(SIGPIPE, SIG_DFL);
  setpgid(0, 0);
  if (chdir(plan->cwd ? plan->cwd : "/") < 0 && chdir("/") < 0) {
    fail_errno(&e, "chdir");
  } else if (seccomp_before_identity(plan, &e) == 0 && identity_apply(plan, &e) == 0 &&
             seccomp_after_identity(plan, &e) == 0) {
    exec_process(args, plan->env, plan_getenv(plan, "PATH"), &e);
  }
  write_all(report, e.msg, strlen(e.msg));
  _exit(127);
}

/*
 * The reaper runs inside the container's PID namespace as the command's parent. A
 * subreaper outside the namespace is skipped when orphans are reparented, so without it a
 * child the command leaves behind would become a zombie of the container's init (which,
 * like `sleep`, need not reap). It kills the command's process group on SIGTERM (the
 * timeout) and after the command exits, reaps everything, and reports the command's wait
 * status on the status pipe.
 */
__attribute__((noreturn)) static void reaper(const struct plan *plan, const int *ns_fds, char **args, int out,
                                             int err, int report, int status_fd) {
  struct err e = {{0}};
  int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) {
    fail_errno(&e, "set up stdio");
  } else if (enter_namespaces(ns_fds, 0, &e) == 0) {
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    pid_t cmd = fork();
    if (cmd == 0) {
      command(plan, args, report);
    }
    if (cmd < 0) {
      fail_errno(&e, "fork");
    } else {
      setpgid(cmd, cmd);
      /* Only the command may hold these now: EOF on them means it exec'd or exited. */
      close(report);
      close(1);
      close(2);
      dup2(null, 1);
      dup2(null, 2);
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
      _exit(0);
    }
  }
  write_all(report, e.msg, strlen(e.msg));
  _exit(127);
}

struct sink {
  int in;
  int out;
  size_t written;
};

static void copy(struct sink *s) {
  char buf[65536];
  ssize_t n = read(s->in, buf, sizeof buf);
  if (n < 0 && errno == EINTR) {
    return;
  }
  if (n <= 0) {
    close(s->in);
    s->in = -1;
    return;
  }
  size_t keep = (size_t)n;
  if (s->written + keep > OUTPUT_CAP) {
    keep = OUTPUT_CAP - s->written;
  }
  if (keep > 0 && write_all(s->out, buf, keep) == 0) {
    s->written += keep;
  }
}

static int64_t millis_left(int64_t deadline) {
  int64_t left = (deadline - now_ns()) / 1000000;
  return left < 0 ? 0 : left + 1;
}

int exec_main(const struct exec_request *req) {
  struct err e = {{0}};
  struct plan plan;
  AUTO_FREE char *plan_path = xasprintf("%s/shim-plan", req->bundle);
  unsigned long long start = 0;
  if (plan_load(plan_path, &plan, &e) < 0) {
    return write_result(req->result_path, xasprintf("error %s\n", e.msg));
  }
  if (req->pid_start && (proc_start_time(req->pid, &start) < 0 || start != req->pid_start)) {
    return write_result(req->result_path, xasprintf("error container process %d is not running\n", (int)req->pid));
  }
  int ns_fds[NNAMESPACES];
  if (cgroup_join(&plan, getpid(), &e) < 0 || open_namespaces(req->pid, ns_fds, &e) < 0 ||
      enter_namespaces(ns_fds, 1, &e) < 0) {
    return write_result(req->result_path, xasprintf("error %s\n", e.msg));
  }
  signal(SIGPIPE, SIG_IGN);
  int out[2], err[2], report[2], status_pipe[2];
  if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 || pipe2(report, O_CLOEXEC) < 0 ||
      pipe2(status_pipe, O_CLOEXEC) < 0) {
    return write_result(req->result_path, xasprintf("error pipe: %s\n", strerror(errno)));
  }
  pid_t pid = fork();
  if (pid < 0) {
    return write_result(req->result_path, xasprintf("error fork: %s\n", strerror(errno)));
  }
  if (pid == 0) {
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, NULL);
    close(status_pipe[0]);
    reaper(&plan, ns_fds, req->args, out[1], err[1], report[1], status_pipe[1]);
  }
  close(out[1]);
  close(err[1]);
  close(report[1]);
  close(status_pipe[1]);
  char failure[1024];
  ssize_t n = read(report[0], failure, sizeof failure - 1);
  close(report[0]);
  if (n > 0) {
    failure[n] = '\0';
    waitpid(pid, NULL, 0);
    return write_result(req->result_path, xasprintf("error %s\n", failure));
  }
  struct sink sinks[2] = {{.in = out[0], .out = 1}, {.in = err[0], .out = 2}};
  int64_t deadline = req->timeout_ms > 0 ? now_ns() + req->timeout_ms * 1000000 : INT64_MAX;
  int64_t drain_deadline = INT64_MAX;
  int status = 0;
  int exited = 0;
  int timed_out = 0;
  while (sinks[0].in >= 0 || sinks[1].in >= 0) {
    int64_t until = exited ? drain_deadline : deadline;
    if (until != INT64_MAX && now_ns() >= until) {
      timed_out = !exited;
      break;
    }
    struct pollfd fds[2] = {{.fd = sinks[0].in, .events = POLLIN}, {.fd = sinks[1].in, .events = POLLIN}};
    int wait_ms = until == INT64_MAX ? 100 : (int)(millis_left(until) < 100 ? millis_left(until) : 100);
    if (poll(fds, 2, wait_ms) < 0 && errno != EINTR) {
      break;
    }
    for (int i = 0; i < 2; i++) {
      if (fds[i].revents && sinks[i].in >= 0) {
        copy(&sinks[i]);
      }
    }
    int reaper_status;
    if (!exited && waitpid(pid, &reaper_status, WNOHANG) == pid) {
      exited = 1;
      drain_deadline = now_ns() + (int64_t)DRAIN_AFTER_EXIT_MS * 1000000;
    }
  }
  if (timed_out) {
    kill(pid, SIGTERM); /* the reaper kills the command's process group */
  }
  int64_t reaper_deadline = now_ns() + 3000000000LL;
  while (!exited && waitpid(pid, NULL, WNOHANG) == 0) {
    if (now_ns() > reaper_deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, NULL, 0);
      break;
    }
    usleep(2000);
  }
  char text[32] = {0};
  ssize_t got = read(status_pipe[0], text, sizeof text - 1);
  int done = 0;
  if (got <= 0 || sscanf(text, "%d %d", &done, &status) != 2 || (!done && !timed_out)) {
    return write_result(req->result_path, xasprintf("error the exec reaper failed\n"));
  }
  if (timed_out) {
    return write_result(req->result_path, xasprintf("timed_out 1\nexit_code 137\nsignal 9\n"));
  }
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  return write_result(req->result_path, xasprintf("timed_out 0\nexit_code %d\nsignal %d\n", code, sig));
}
