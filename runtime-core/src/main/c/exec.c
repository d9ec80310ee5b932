#define _GNU_SOURCE
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "execproc.h"
#include "plan.h"
#include "util.h"

#define OUTPUT_CAP (16 * 1024 * 1024)
/* After the command exits, output still held by its background children is read this long. */
#define DRAIN_AFTER_EXIT_MS 200

static int write_result(const char *path, const char *text) {
  struct err e;
  if (write_atomic(path, text, &e) < 0) {
    fprintf(stderr, "skiff-shim exec: %s\n", e.msg);
    return 1;
  }
  return 0;
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
  int ns_fds[EXEC_NAMESPACES];
  if (exec_prepare(req->bundle, req->pid, req->pid_start, &plan, ns_fds, &e) < 0) {
    return write_result(req->result_path, xasprintf("error %s\n", e.msg));
  }
  signal(SIGPIPE, SIG_IGN);
  int out[2], err[2], report[2], status_pipe[2];
  if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 ||
      socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, report) < 0 || pipe2(status_pipe, O_CLOEXEC) < 0) {
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
    close(report[0]);
    close(out[0]);
    close(err[0]);
    struct exec_stdio io = {.in = -1, .out = out[1], .err = err[1], .report = report[1], .status = status_pipe[1]};
    exec_reaper(&plan, ns_fds, req->args, &io);
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
  int done = 0;
  if (exec_read_status(status_pipe[0], &done, &status) < 0 || (!done && !timed_out)) {
    return write_result(req->result_path, xasprintf("error the exec reaper failed\n"));
  }
  if (timed_out) {
    return write_result(req->result_path, xasprintf("timed_out 1\nexit_code 137\nsignal 9\n"));
  }
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  return write_result(req->result_path, xasprintf("timed_out 0\nexit_code %d\nsignal %d\n", code, sig));
}
