#define _GNU_SOURCE
#include "monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attach.h"
#include "cgroup.h"
#include "container.h"
#include "control.h"
#include "logfile.h"
#include "namespaces.h"
#include "plan.h"
#include "procin.h"
#include "status.h"
#include "sync.h"

#define MAX_WAITERS 32
/* After the process exits, its output pipes may still be held by processes of a shared PID
   namespace; stop waiting for them after this long. */
#define DRAIN_AFTER_EXIT_MS 2000

enum phase { CREATED, RUNNING, EXITED };

struct monitor {
  const char *bundle;
  struct plan plan;
  pid_t pid;
  enum phase phase;
  int wait_status;
  long long oom_baseline;
  char start_error[1100];
  int sync_fd;
  int report_fd; /* to the process skiffd started; the container process must not hold it */
  int signal_fd;
  int listen_fd;
  int pipe_fd[2]; /* stdout, stderr read ends (with a tty: the pty master, -1); -1 once closed */
  int master;     /* pty master, or -1 */
  struct procin in; /* the container's stdin: pipe write end or a dup of the master */
  struct attach attach;
  struct log_file log;
  struct log_stream stream[2];
  int waiters[MAX_WAITERS];
  int nwaiters;
};

static void logmsg(const char *fmt, const char *arg) {
  char ts[64];
  format_rfc3339nano(ts, sizeof ts);
  fprintf(stderr, "%s ", ts);
  fprintf(stderr, fmt, arg);
  fputc('\n', stderr);
}

static void report(int fd, const char *text) {
  write_all(fd, text, strlen(text));
  write_all(fd, "\n", 1);
  close(fd);
}

static int spawn(struct monitor *m, struct err *e) {
  int sync_pair[2];
  int out[2] = {-1, -1};
  int errp[2] = {-1, -1};
  int in[2] = {-1, -1};
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync_pair) < 0) {
    return fail_errno(e, "socketpair");
  }
  if (!m->plan.terminal && (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0)) {
    return fail_errno(e, "pipe");
  }
  if (m->plan.stdin_open && !m->plan.terminal && pipe2(in, O_CLOEXEC) < 0) {
    return fail_errno(e, "pipe");
  }
  if (namespaces_join_pid(&m->plan, e) < 0) {
    return -1;
  }
  /* Raw clone without a new stack behaves like fork; the shim is single-threaded. */
  pid_t pid = (pid_t)syscall(SYS_clone, namespaces_clone_flags(&m->plan) | SIGCHLD, NULL, NULL, NULL, NULL);
  if (pid < 0) {
    return fail_errno(e, "clone");
  }
  if (pid == 0) {
    struct container_io io = {.sync = sync_pair[1], .stdin_r = in[0], .stdout_w = out[1], .stderr_w = errp[1]};
    close(sync_pair[0]);
    close(m->report_fd);
    container_main(&m->plan, &io);
  }
  close(sync_pair[1]);
  close_fdp(&out[1]);
  close_fdp(&errp[1]);
  close_fdp(&in[0]);
  m->pid = pid;
  m->sync_fd = sync_pair[0];
  m->pipe_fd[0] = out[0];
  m->pipe_fd[1] = errp[0];
  char msg[1100];
  int n = sync_recv_fd(m->sync_fd, msg, sizeof msg, &m->master);
  if (n > 0 && strcmp(msg, "ready") == 0 && m->plan.terminal == (m->master >= 0)) {
    if (m->master >= 0) {
      m->pipe_fd[0] = m->master;
      /* A dup of its own: the pump closes the master at EIO, resize and stdin keep working. */
      int dup_master = fcntl(m->master, F_DUPFD_CLOEXEC, 0);
      procin_init(&m->in, dup_master, dup_master);
    } else {
      procin_init(&m->in, in[1], -1);
    }
    return 0;
  }
  close_fdp(&in[1]);
  if (n > 6 && strncmp(msg, "error ", 6) == 0) {
    fail(e, "%s", msg + 6);
  } else {
    fail(e, "container process died during setup");
  }
  waitpid(pid, NULL, 0);
  return -1;
}

static void pump(struct monitor *m, int which) {
  char buf[65536];
  ssize_t n = read(m->pipe_fd[which], buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
    return;
  }
  if (n <= 0) {
    log_finish(&m->log, &m->stream[which]);
    close(m->pipe_fd[which]);
    m->pipe_fd[which] = -1;
    return;
  }
  log_feed(&m->log, &m->stream[which], buf, (size_t)n);
  attach_output(&m->attach, which == 0 ? FRAME_STDOUT : FRAME_STDERR, buf, (size_t)n);
}

static void start(struct monitor *m, int client) {
  if (m->phase != CREATED || m->sync_fd < 0) {
    control_reply(client, m->phase == RUNNING ? "error container already started" : "error container has exited");
    return;
  }
  char msg[1100];
  sync_send(m->sync_fd, "go");
  int n = sync_recv(m->sync_fd, msg, sizeof msg);
  close(m->sync_fd);
  m->sync_fd = -1;
  if (n == 0) {
    struct err e;
    m->phase = RUNNING;
    if (status_write_started(m->bundle, &e) < 0) {
      logmsg("Cannot record start: %s", e.msg);
    }
    control_reply(client, "ok");
    return;
  }
  snprintf(m->start_error, sizeof m->start_error, "%s",
           n > 6 && strncmp(msg, "error ", 6) == 0 ? msg + 6 : "container process died before exec");
  AUTO_FREE char *reply = xasprintf("error %s", m->start_error);
  logmsg("Start failed: %s", m->start_error);
  control_reply(client, reply);
}

static void serve(struct monitor *m) {
  char cmd[256];
  int client = control_accept(m->listen_fd, cmd, sizeof cmd);
  if (client < 0) {
    return;
  }
  if (strcmp(cmd, "start") == 0) {
    start(m, client);
  } else if (strncmp(cmd, "signal ", 7) == 0) {
    int sig = atoi(cmd + 7);
    if (m->phase == EXITED) {
      control_reply(client, "ok");
    } else if (sig <= 0 || sig >= 65 || kill(m->pid, sig) < 0) {
      control_reply(client, "error cannot signal the container process");
    } else {
      control_reply(client, "ok");
    }
  } else if (strcmp(cmd, "reopen-log") == 0) {
    struct err e;
    if (log_reopen(&m->log, &e) < 0) {
      AUTO_FREE char *reply = xasprintf("error %s", e.msg);
      control_reply(client, reply);
    } else {
      control_reply(client, "ok");
    }
  } else if (strcmp(cmd, "state") == 0) {
    static const char *const NAMES[] = {"created", "running", "exited"};
    AUTO_FREE char *reply = xasprintf("%s %d", NAMES[m->phase], (int)m->pid);
    control_reply(client, reply);
  } else if (strcmp(cmd, "wait") == 0 && m->nwaiters < MAX_WAITERS) {
    m->waiters[m->nwaiters++] = client;
    return;
  } else {
    control_reply(client, "error unknown command");
  }
  close(client);
}

static void on_signal(struct monitor *m) {
  struct signalfd_siginfo info;
  while (read(m->signal_fd, &info, sizeof info) == (ssize_t)sizeof info) {
    if (info.ssi_signo == SIGUSR1) {
      struct err e;
      if (log_reopen(&m->log, &e) < 0) {
        logmsg("Cannot reopen log: %s", e.msg);
      }
    }
  }
  int status;
  pid_t reaped;
  while ((reaped = waitpid(-1, &status, WNOHANG)) > 0) {
    if (reaped == m->pid) {
      m->wait_status = status;
      m->phase = EXITED;
    }
  }
}

static void finish(struct monitor *m) {
  struct err e;
  int oom = cgroup_oom_kills(&m->plan) > m->oom_baseline;
  if (status_write_exit(m->bundle, m->wait_status, oom, m->start_error[0] ? m->start_error : NULL, &e) < 0) {
    logmsg("Cannot write exit status: %s", e.msg);
  }
  int status = m->wait_status;
  attach_finish(&m->attach, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  procin_drop(&m->in);
  for (int i = 0; i < m->nwaiters; i++) {
    close(m->waiters[i]);
  }
  AUTO_FREE char *sock = xasprintf("%s/shim.sock", m->bundle);
  unlink(sock);
}

static void loop(struct monitor *m) {
  int64_t drain_deadline = 0;
  for (;;) {
    if (m->phase == EXITED) {
      if (drain_deadline == 0) {
        drain_deadline = now_ns() + (int64_t)DRAIN_AFTER_EXIT_MS * 1000000;
      }
      if ((m->pipe_fd[0] < 0 && m->pipe_fd[1] < 0) || now_ns() >= drain_deadline) {
        break;
      }
    }
    struct pollfd fds[6 + 1 + ATTACH_MAX_CLIENTS] = {
        {.fd = m->signal_fd, .events = POLLIN},
        {.fd = m->listen_fd, .events = POLLIN},
        {.fd = m->pipe_fd[0], .events = POLLIN},
        {.fd = m->pipe_fd[1], .events = POLLIN},
        {.fd = procin_pending(&m->in) ? m->in.fd : -1, .events = POLLOUT},
    };
    size_t nattach = attach_poll_fds(&m->attach, fds + 5, !procin_full(&m->in));
    int timeout = m->phase == EXITED ? (int)((drain_deadline - now_ns()) / 1000000) + 1 : -1;
    if (poll(fds, 5 + nattach, timeout) < 0) {
      if (errno == EINTR) {
        continue;
      }
      logmsg("poll failed: %s", strerror(errno));
      break;
    }
    if (fds[4].revents) {
      procin_flush(&m->in);
    }
    attach_handle(&m->attach, fds + 5, nattach, &m->in);
    if (fds[0].revents) {
      on_signal(m);
    }
    for (int i = 0; i < 2; i++) {
      if (fds[2 + i].revents && m->pipe_fd[i] >= 0) {
        pump(m, i);
      }
    }
    if (fds[1].revents) {
      serve(m);
    }
  }
  for (int i = 0; i < 2; i++) {
    log_finish(&m->log, &m->stream[i]);
  }
  finish(m);
}

static int monitor_init(struct monitor *m, const char *bundle, struct err *e) {
  memset(m, 0, sizeof *m);
  m->bundle = bundle;
  m->sync_fd = m->signal_fd = m->listen_fd = m->master = -1;
  m->pipe_fd[0] = m->pipe_fd[1] = -1;
  m->attach.listen_fd = -1;
  procin_init(&m->in, -1, -1);
  AUTO_FREE char *plan_path = xasprintf("%s/shim-plan", bundle);
  if (plan_load(plan_path, &m->plan, e) < 0) {
    return -1;
  }
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  sigaddset(&mask, SIGUSR1);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGHUP);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  signal(SIGPIPE, SIG_IGN);
  m->signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  if (m->signal_fd < 0) {
    return fail_errno(e, "signalfd");
  }
  if (log_open(&m->log, m->plan.log_path, e) < 0) {
    return -1;
  }
  log_stream_init(&m->stream[0], "stdout", 0);
  log_stream_init(&m->stream[1], "stderr", 0);
  AUTO_FREE char *sock = xasprintf("%s/shim.sock", bundle);
  m->listen_fd = control_listen(sock, e);
  if (m->listen_fd < 0) {
    return -1;
  }
  unsigned char flags = (m->plan.terminal ? FRAME_READY_TTY : 0) | (m->plan.stdin_open ? FRAME_READY_STDIN : 0) |
                        (m->plan.stdin_once ? FRAME_READY_STDIN_ONCE : 0);
  AUTO_FREE char *attach_sock = xasprintf("%s/attach.sock", bundle);
  if (attach_listen(&m->attach, attach_sock, flags, e) < 0) {
    return -1;
  }
  m->oom_baseline = cgroup_oom_kills(&m->plan);
  return 0;
}

static void monitor_main(const char *bundle, int report_fd) {
  struct monitor m;
  struct err e = {{0}};
  int init = monitor_init(&m, bundle, &e);
  m.report_fd = report_fd;
  if (init < 0 || spawn(&m, &e) < 0) {
    logmsg("Create failed: %s", e.msg);
    AUTO_FREE char *text = xasprintf("error %s", e.msg);
    AUTO_FREE char *sock = xasprintf("%s/shim.sock", bundle);
    AUTO_FREE char *attach_sock = xasprintf("%s/attach.sock", bundle);
    unlink(sock);
    unlink(attach_sock);
    report(report_fd, text);
    _exit(1);
  }
  /* The container's children may outlive it; the monitor collects what is reparented. */
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  if (status_write_state(bundle, m.pid, &e) < 0) {
    logmsg("Create failed: %s", e.msg);
    kill(m.pid, SIGKILL);
    AUTO_FREE char *text = xasprintf("error %s", e.msg);
    report(report_fd, text);
    _exit(1);
  }
  AUTO_FREE char *text = xasprintf("ok %d", (int)m.pid);
  report(report_fd, text);
  loop(&m);
  _exit(0);
}

static void detach_stdio(const char *bundle) {
  AUTO_FREE char *log_path = xasprintf("%s/shim.log", bundle);
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  int log = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  dup2(null, 0);
  dup2(null, 1);
  dup2(log >= 0 ? log : null, 2);
  setvbuf(stderr, NULL, _IOLBF, 0);
  if (null > 2) {
    close(null);
  }
  if (log > 2) {
    close(log);
  }
}

int create_main(const char *bundle) {
  int report_pipe[2];
  if (pipe2(report_pipe, O_CLOEXEC) < 0) {
    printf("error pipe: %s\n", strerror(errno));
    return 1;
  }
  fflush(stdout);
  pid_t first = fork();
  if (first < 0) {
    printf("error fork: %s\n", strerror(errno));
    return 1;
  }
  if (first == 0) {
    /* A new session, then a second fork: the monitor is no session leader, has no
       controlling terminal, and is reparented away from skiffd. */
    close(report_pipe[0]);
    setsid();
    pid_t monitor = fork();
    if (monitor != 0) {
      _exit(monitor < 0 ? 1 : 0);
    }
    if (chdir("/") < 0) {
      _exit(1);
    }
    detach_stdio(bundle);
    monitor_main(bundle, report_pipe[1]);
  }
  close(report_pipe[1]);
  waitpid(first, NULL, 0);
  char line[1200];
  size_t len = 0;
  ssize_t n;
  while (len + 1 < sizeof line && (len == 0 || line[len - 1] != '\n') &&
         (n = read(report_pipe[0], line + len, sizeof line - 1 - len)) != 0) {
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      break;
    }
    len += (size_t)n;
  }
  line[len] = '\0';
  if (len == 0) {
    printf("error the shim died before reporting (see %s/shim.log)\n", bundle);
    return 1;
  }
  fputs(line, stdout);
  return strncmp(line, "ok ", 3) == 0 ? 0 : 1;
}
