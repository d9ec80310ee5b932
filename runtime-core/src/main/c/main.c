/*
 * skiff-shim: the per-container process of skiff (see monitor.h, exec.h, logpipe.h).
 *   skiff-shim create --bundle DIR
 *   skiff-shim exec --bundle DIR --pid PID [--pid-start TICKS] [--timeout-ms MS] --result FILE -- CMD...
 *   skiff-shim exec-stream --bundle DIR --pid PID [--pid-start TICKS] [--tty] [--stdin] -- CMD...
 *   skiff-shim log-pipe --log FILE [--stream stdout|stderr] [--max-line BYTES]
 *   skiff-shim pod-init --state FILE [--cgroup DIR]...   (podinit.h)
 *   skiff-shim userns-hold [--unshare net,ipc,uts]   (usernshold.h)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "execstream.h"
#include "logpipe.h"
#include "monitor.h"
#include "podinit.h"
#include "usernshold.h"

static int usage(void) {
  fputs("usage: skiff-shim create --bundle DIR\n"
        "       skiff-shim exec --bundle DIR --pid PID [--pid-start TICKS] [--timeout-ms MS] --result FILE -- CMD...\n"
        "       skiff-shim exec-stream --bundle DIR --pid PID [--pid-start TICKS] [--tty] [--stdin] -- CMD...\n"
        "       skiff-shim log-pipe --log FILE [--stream NAME] [--max-line BYTES]\n"
        "       skiff-shim pod-init --state FILE [--cgroup DIR]...\n"
        "       skiff-shim userns-hold [--unshare net,ipc,uts]\n",
        stderr);
  return 2;
}

/* The value after flag, or NULL; *end is set past "--" when present. */
static const char *flag(int argc, char **argv, const char *name) {
  for (int i = 2; i + 1 < argc && strcmp(argv[i], "--") != 0; i++) {
    if (strcmp(argv[i], name) == 0) {
      return argv[i + 1];
    }
  }
  return NULL;
}

/* Whether a flag without value appears before "--". */
static int has_flag(int argc, char **argv, const char *name) {
  for (int i = 2; i < argc && strcmp(argv[i], "--") != 0; i++) {
    if (strcmp(argv[i], name) == 0) {
      return 1;
    }
  }
  return 0;
}

/* The index of "--", or argc. */
static int dashes(int argc, char **argv) {
  int i = 0;
  while (i < argc && strcmp(argv[i], "--") != 0) {
    i++;
  }
  return i;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    return usage();
  }
  const char *bundle = flag(argc, argv, "--bundle");
  if (strcmp(argv[1], "create") == 0) {
    return bundle ? create_main(bundle) : usage();
  }
  if (strcmp(argv[1], "exec") == 0) {
    int end = dashes(argc, argv);
    const char *pid = flag(argc, argv, "--pid");
    const char *start = flag(argc, argv, "--pid-start");
    const char *timeout = flag(argc, argv, "--timeout-ms");
    const char *result = flag(argc, argv, "--result");
    if (!bundle || !pid || !result || end + 1 >= argc) {
      return usage();
    }
    struct exec_request req = {
        .bundle = bundle,
        .pid = (pid_t)atoi(pid),
        .pid_start = start ? strtoull(start, NULL, 10) : 0,
        .timeout_ms = timeout ? atol(timeout) : 0,
        .result_path = result,
        .args = argv + end + 1,
    };
    return exec_main(&req);
  }
  if (strcmp(argv[1], "pod-init") == 0) {
    const char *state = flag(argc, argv, "--state");
    char *cgroups[16];
    size_t ncgroups = 0;
    for (int i = 2; i + 1 < argc; i++) {
      if (strcmp(argv[i], "--cgroup") == 0) {
        if (ncgroups == sizeof cgroups / sizeof cgroups[0]) {
          return usage();
        }
        cgroups[ncgroups++] = argv[++i];
      }
    }
    return state ? pod_init_main(state, cgroups, ncgroups) : usage();
  }
  if (strcmp(argv[1], "userns-hold") == 0) {
    return userns_hold_main(flag(argc, argv, "--unshare"));
  }
  if (strcmp(argv[1], "exec-stream") == 0) {
    int end = dashes(argc, argv);
    const char *pid = flag(argc, argv, "--pid");
    const char *start = flag(argc, argv, "--pid-start");
    if (!bundle || !pid || end + 1 >= argc) {
      return usage();
    }
    struct exec_stream_request req = {
        .bundle = bundle,
        .pid = (pid_t)atoi(pid),
        .pid_start = start ? strtoull(start, NULL, 10) : 0,
        .tty = has_flag(argc, argv, "--tty"),
        .stdin_open = has_flag(argc, argv, "--stdin"),
        .args = argv + end + 1,
    };
    return exec_stream_main(&req);
  }
  if (strcmp(argv[1], "log-pipe") == 0) {
    const char *log = flag(argc, argv, "--log");
    const char *stream = flag(argc, argv, "--stream");
    const char *max = flag(argc, argv, "--max-line");
    return log ? log_pipe_main(log, stream ? stream : "stdout", max ? (size_t)atol(max) : 0) : usage();
  }
  return usage();
}
