#define _GNU_SOURCE
#include "limits.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

/* Lowering oom_score_adj below the value a privileged writer last set needs
   CAP_SYS_RESOURCE; without it keep the inherited value, as containerd's
   restrict_oom_score_adj does, rather than fail the container. */
static int set_oom_score_adj(int wanted, struct err *e) {
  char value[32];
  char current[32];
  snprintf(value, sizeof value, "%d", wanted);
  if (write_existing("/proc/self/oom_score_adj", value, e) == 0) {
    return 0;
  }
  if (errno != EACCES && errno != EPERM) {
    return -1;
  }
  if (read_small_file("/proc/self/oom_score_adj", current, sizeof current) < 0) {
    return fail_errno(e, "read /proc/self/oom_score_adj");
  }
  if (atoi(current) > wanted) {
    return 0;
  }
  return fail(e, "cannot set oom_score_adj to %d", wanted);
}

int limits_apply(const struct plan *plan, struct err *e) {
  for (size_t i = 0; i < plan->nrlimits; i++) {
    const struct plan_rlimit *r = &plan->rlimits[i];
    struct rlimit value = {.rlim_cur = r->soft, .rlim_max = r->hard};
    if (setrlimit(r->resource, &value) < 0) {
      return fail_errno(e, "setrlimit %d to %llu/%llu", r->resource, r->soft, r->hard);
    }
  }
  if (plan->has_oom_score_adj && set_oom_score_adj(plan->oom_score_adj, e) < 0) {
    return -1;
  }
  return 0;
}
