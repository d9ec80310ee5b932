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
/* The pod's user namespace: opened while its path is still reachable (before pivot_root),
   -2 when the plan names none; joined after everything that needs host capabilities. */
int namespaces_open_user(const struct plan *plan, struct err *e);
int namespaces_join_user(int fd, struct err *e);

#endif
