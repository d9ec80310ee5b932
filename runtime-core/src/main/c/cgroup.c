#define _GNU_SOURCE
#include "cgroup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cgroup_join(const struct plan *plan, pid_t pid, struct err *e) {
  char value[32];
  snprintf(value, sizeof value, "%d", (int)pid);
  for (size_t i = 0; i < plan->ncgroups; i++) {
    AUTO_FREE char *procs = xasprintf("%s/cgroup.procs", plan->cgroups[i]);
    if (write_existing(procs, value, e) < 0) {
      return -1;
    }
  }
  return 0;
}

long long cgroup_oom_kills(const struct plan *plan) {
  char buf[4096];
  if (plan->oom_counter == NULL || read_small_file(plan->oom_counter, buf, sizeof buf) < 0) {
    return 0;
  }
  /* Both v2 memory.events and v1 memory.oom_control carry an "oom_kill N" line. */
  for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
    if (strncmp(line, "oom_kill ", 9) == 0) {
      return atoll(line + 9);
    }
  }
  return 0;
}
