/* Which namespaces the container process gets new, and joining the ones it shares. */
#ifndef SKIFF_NAMESPACES_H
#define SKIFF_NAMESPACES_H

#include "plan.h"

/* clone(2) flags: always a new mount namespace, plus each kind the plan asks new. */
int namespaces_clone_flags(const struct plan *plan);
/* In the shim, before clone: a PID namespace to join applies to children only. */
int namespaces_join_pid(const struct plan *plan, struct err *e);
/* In the container process: joins the net, ipc, uts and cgroup namespaces given by path. */
int namespaces_join(const struct plan *plan, struct err *e);

#endif
