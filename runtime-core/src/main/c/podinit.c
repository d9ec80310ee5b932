#define _GNU_SOURCE
#include "podinit.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

static void on_signal(int sig) { (void)sig; }

__attribute__((noreturn)) static void init_loop(void) {
  /* PID 1 of a namespace gets only the signals it has a handler for: install them, keep them
     blocked and take them with sigwaitinfo. */
  sigset_t wanted;
  sigemptyset(&wanted);
  sigaddset(&wanted, SIGCHLD);
  sigaddset(&wanted, SIGTERM);
  sigaddset(&wanted, SIGINT);
  sigprocmask(SIG_BLOCK, &wanted, NULL);
  struct sigaction sa = {.sa_handler = on_signal};
  sigaction(SIGCHLD, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  for (;;) {
    siginfo_t info;
    int sig = sigwaitinfo(&wanted, &info);
    if (sig == SIGTERM || sig == SIGINT) {
      _exit(0);
    }
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
  }
}

/* The launcher joins the pod's cgroups itself, so the init is born in them: it never runs,
   not even for a moment, in the cgroup of skiffd. */
static int join_cgroups(char *const *cgroup_dirs, size_t ncgroups, struct err *e) {
  for (size_t i = 0; i < ncgroups; i++) {
    AUTO_FREE char *procs = xasprintf("%s/cgroup.procs", cgroup_dirs[i]);
    if (write_existing(procs, "0", e) < 0) {
      return -1;
    }
  }
  return 0;
}

int pod_init_main(const char *state_path, char *const *cgroup_dirs, size_t ncgroups) {
  struct err e = {{0}};
  if (join_cgroups(cgroup_dirs, ncgroups, &e) < 0) {
    printf("error %s\n", e.msg);
    return 1;
  }
  if (unshare(CLONE_NEWPID) < 0) {
    fail_errno(&e, "unshare pid namespace");
    printf("error %s\n", e.msg);
    return 1;
  }
  pid_t pid = fork();
  if (pid < 0) {
    fail_errno(&e, "fork the pod init");
    printf("error %s\n", e.msg);
    return 1;
  }
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 1);
      dup2(null, 2);
    }
    setsid();
    if (chdir("/") < 0) {
      _exit(1);
    }
    prctl(PR_SET_NAME, "skiff-pod-init", 0, 0, 0);
    init_loop();
  }
  unsigned long long start = 0;
  /* The child may not be visible in /proc for a moment; its start time names it against reuse. */
  for (int i = 0; i < 100 && proc_start_time(pid, &start) < 0; i++) {
    usleep(1000);
  }
  AUTO_FREE char *state = xasprintf("pid %d\npid_start %llu\n", (int)pid, start);
  if (start == 0 || write_atomic(state_path, state, &e) < 0) {
    kill(pid, SIGKILL);
    printf("error %s\n", start == 0 ? "the pod init did not start" : e.msg);
    return 1;
  }
  printf("ok %d\n", (int)pid);
  return 0;
}
