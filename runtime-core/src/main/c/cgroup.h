/* Joining the container's cgroups and reading its OOM-kill counter. */
#ifndef SKIFF_CGROUP_H
#define SKIFF_CGROUP_H

#include <sys/types.h>

#include "plan.h"

/* Writes pid (0 = the caller) into <dir>/cgroup.procs of every cgroup of the plan. */
int cgroup_join(const struct plan *plan, pid_t pid, struct err *e);
/* The oom_kill count of the plan's oom_counter file; 0 when there is none. */
long long cgroup_oom_kills(const struct plan *plan);

#endif
