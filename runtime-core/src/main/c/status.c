#define _GNU_SOURCE
#include "status.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int status_write_state(const char *bundle, pid_t pid, struct err *e) {
  unsigned long long shim_start = 0;
  unsigned long long pid_start = 0;
  if (proc_start_time(getpid(), &shim_start) < 0 || proc_start_time(pid, &pid_start) < 0) {
    return fail_errno(e, "read process start times");
  }
  AUTO_FREE char *path = xasprintf("%s/state", bundle);
  AUTO_FREE char *text = xasprintf("shim_pid %d\nshim_start %llu\npid %d\npid_start %llu\ncreated_ns %lld\n",
                                   (int)getpid(), shim_start, (int)pid, pid_start, (long long)now_ns());
  return write_atomic(path, text, e);
}

int status_write_started(const char *bundle, struct err *e) {
  AUTO_FREE char *path = xasprintf("%s/started", bundle);
  AUTO_FREE char *text = xasprintf("started_ns %lld\n", (long long)now_ns());
  return write_atomic(path, text, e);
}

int status_write_exit(const char *bundle, int wait_status, int oom_killed, const char *message, struct err *e) {
  int code = 0;
  int sig = 0;
  if (WIFEXITED(wait_status)) {
    code = WEXITSTATUS(wait_status);
  } else if (WIFSIGNALED(wait_status)) {
    sig = WTERMSIG(wait_status);
    code = 128 + sig; /* what a shell, and kubelet, report for a signal */
  }
  AUTO_FREE char *clean = xstrdup(message ? message : "");
  for (char *p = clean; *p; p++) {
    if (*p == '\n') {
      *p = ' ';
    }
  }
  AUTO_FREE char *path = xasprintf("%s/exit", bundle);
  AUTO_FREE char *text = xasprintf("exit_code %d\nsignal %d\nfinished_ns %lld\noom_killed %d\n%s%s%s", code, sig,
                                   (long long)now_ns(), oom_killed ? 1 : 0, clean[0] ? "message " : "", clean,
                                   clean[0] ? "\n" : "");
  return write_atomic(path, text, e);
}
