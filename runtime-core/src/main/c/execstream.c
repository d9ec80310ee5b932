#define _GNU_SOURCE
#include "execstream.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "execproc.h"
#include "frame.h"
#include "procin.h"
#include "sync.h"

/* After the reaper is done, output still held by processes outside the command's group is
   read this long. */
#define DRAIN_AFTER_EXIT_MS 200

struct session {
  struct frame_reader in_frames; /* from skiffd, fd 0 */
  int client_gone;
  struct procin in;
  int out[2]; /* stdout, stderr (with a tty: the master and -1); -1 once at end */
  int master;
  pid_t reaper;
  int reaper_done;
  int status_fd;
};

static void send_frame(struct session *s, enum frame_type type, const void *data, size_t n) {
  if (!s->client_gone && frame_write(1, type, data, n) < 0) {
    s->client_gone = 1;
  }
}

static int fail_frame(const char *text) {
  frame_write(1, FRAME_ERROR, text, strlen(text));
  return 1;
}

/* skiffd closed our stdin: stdin EOF for the command, the terminal hangs up. */
static void client_gone(struct session *s) {
  s->client_gone = 1;
  procin_drop(&s->in);
  if (s->master >= 0) {
    close(s->master);
    s->master = s->out[0] = -1;
  }
}

static void read_frames(struct session *s) {
  if (frame_fill(&s->in_frames, 0) <= 0) {
    client_gone(s);
    return;
  }
  struct frame f;
  int got;
  while ((got = frame_next(&s->in_frames, &f)) > 0) {
    if (f.type == FRAME_STDIN) {
      procin_write(&s->in, f.payload, f.len);
    } else if (f.type == FRAME_STDIN_CLOSE) {
      procin_close(&s->in);
    } else if (f.type == FRAME_RESIZE && f.len == 4) {
      procin_resize(&s->in, (unsigned)f.payload[0] << 8 | f.payload[1], (unsigned)f.payload[2] << 8 | f.payload[3]);
    }
  }
  if (got < 0) {
    client_gone(s);
  }
}

static void pump(struct session *s, int which) {
  char buf[32768];
  ssize_t n = read(s->out[which], buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
    return;
  }
  if (n <= 0) { /* EIO from a master whose slave is closed everywhere is end of file too */
    close(s->out[which]);
    if (s->out[which] == s->master) {
      s->master = -1;
      if (s->in.fd < 0) {
        s->in.master = -1;
      }
    }
    s->out[which] = -1;
    return;
  }
  send_frame(s, which == 0 ? FRAME_STDOUT : FRAME_STDERR, buf, (size_t)n);
}

static void loop(struct session *s, int signal_fd) {
  int64_t drain_deadline = INT64_MAX;
  for (;;) {
    if (s->reaper_done && ((s->out[0] < 0 && s->out[1] < 0) || now_ns() >= drain_deadline)) {
      return;
    }
    struct pollfd fds[5] = {
        {.fd = s->client_gone || procin_full(&s->in) ? -1 : 0, .events = POLLIN},
        {.fd = procin_pending(&s->in) ? s->in.fd : -1, .events = POLLOUT},
        {.fd = s->out[0], .events = POLLIN},
        {.fd = s->out[1], .events = POLLIN},
        {.fd = signal_fd, .events = POLLIN},
    };
    int timeout = s->reaper_done ? (int)((drain_deadline - now_ns()) / 1000000) + 1 : -1;
    if (poll(fds, 5, timeout) < 0 && errno != EINTR) {
      return;
    }
    if (fds[0].revents) {
      read_frames(s);
    }
    if (fds[1].revents) {
      procin_flush(&s->in);
    }
    for (int i = 0; i < 2; i++) {
      if (fds[2 + i].revents && s->out[i] >= 0) {
        pump(s, i);
      }
    }
    if (fds[4].revents) {
      struct signalfd_siginfo info;
      while (read(signal_fd, &info, sizeof info) == (ssize_t)sizeof info) {
      }
      if (!s->reaper_done && waitpid(s->reaper, NULL, WNOHANG) == s->reaper) {
        s->reaper_done = 1;
        drain_deadline = now_ns() + (int64_t)DRAIN_AFTER_EXIT_MS * 1000000;
      }
    }
  }
}

/* What the reaper says before the command runs: the pty master (tty), then an error or EOF. */
static int await_exec(struct session *s, int report, int tty, char *failure, size_t size) {
  for (;;) {
    int passed;
    int n = sync_recv_fd(report, failure, size, &passed);
    if (n > 0 && passed >= 0 && tty && s->master < 0 && strcmp(failure, "pty") == 0) {
      s->master = passed;
      continue;
    }
    if (passed >= 0) {
      close(passed);
    }
    if (n == 0) {
      return tty && s->master < 0 ? -1 : 0;
    }
    if (n < 0) {
      snprintf(failure, size, "reading the exec report: %s", strerror(errno));
    }
    return -1;
  }
}

int exec_stream_main(const struct exec_stream_request *req) {
  struct err e = {{0}};
  struct plan plan;
  int ns_fds[EXEC_NAMESPACES];
  signal(SIGPIPE, SIG_IGN);
  if (exec_prepare(req->bundle, req->pid, req->pid_start, &plan, ns_fds, &e) < 0) {
    return fail_frame(e.msg);
  }
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  sigaddset(&mask, SIGTERM);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  int signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  int out[2] = {-1, -1}, err[2] = {-1, -1}, in[2] = {-1, -1}, report[2], status_pipe[2];
  if (signal_fd < 0 || (!req->tty && (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)) ||
      (req->stdin_open && !req->tty && pipe2(in, O_CLOEXEC) < 0) ||
      socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, report) < 0 || pipe2(status_pipe, O_CLOEXEC) < 0) {
    fail_errno(&e, "pipe");
    return fail_frame(e.msg);
  }
  pid_t reaper = fork();
  if (reaper < 0) {
    fail_errno(&e, "fork");
    return fail_frame(e.msg);
  }
  if (reaper == 0) {
    /* The reaper never execs: our ends would stay open in it (no stdin EOF for the command). */
    close(status_pipe[0]);
    close(report[0]);
    close_fdp(&in[1]);
    close_fdp(&out[0]);
    close_fdp(&err[0]);
    struct exec_stdio io = {.in = in[0], .out = out[1], .err = err[1], .tty = req->tty, .report = report[1],
                            .status = status_pipe[1]};
    exec_reaper(&plan, ns_fds, req->args, &io);
  }
  close_fdp(&out[1]);
  close_fdp(&err[1]);
  close_fdp(&in[0]);
  close(report[1]);
  close(status_pipe[1]);
  struct session s = {.out = {out[0], err[0]}, .master = -1, .reaper = reaper, .status_fd = status_pipe[0]};
  char failure[1100];
  if (await_exec(&s, report[0], req->tty, failure, sizeof failure) < 0) {
    waitpid(reaper, NULL, 0);
    return fail_frame(failure[0] ? failure : "the exec reaper died before the command ran");
  }
  close(report[0]);
  if (s.master >= 0) {
    s.out[0] = s.master;
    procin_init(&s.in, req->stdin_open ? fcntl(s.master, F_DUPFD_CLOEXEC, 0) : -1, s.master);
  } else {
    procin_init(&s.in, in[1], -1);
  }
  unsigned char flags = req->tty ? FRAME_READY_TTY : 0;
  send_frame(&s, FRAME_READY, &flags, 1);
  loop(&s, signal_fd);
  if (!s.reaper_done) {
    waitpid(reaper, NULL, 0);
  }
  int done = 0, status = 0;
  if (exec_read_status(s.status_fd, &done, &status) < 0 || !done) {
    return fail_frame("the exec reaper failed");
  }
  unsigned char code[4];
  frame_put_u32(code, (uint32_t)(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)));
  send_frame(&s, FRAME_EXIT, code, sizeof code);
  return 0;
}
