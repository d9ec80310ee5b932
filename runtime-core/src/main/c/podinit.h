/*
 * skiff-shim pod-init --state FILE [--cgroup DIR]...: the init of a pod's shared PID
 * namespace (pid = POD). The launcher first writes itself into DIR/cgroup.procs of each
 * --cgroup (the pod's init cgroup in every hierarchy), so the init is born there.
 * A PID namespace cannot be pinned by a bind mount the way net/ipc/uts are: it lives as long
 * as its PID 1. So a pod that shares one gets this tiny process as PID 1: it reaps the
 * orphans the pod's containers leave and does nothing else; containers join
 * /proc/PID/ns/pid. The launcher writes FILE atomically (`pid N`, `pid_start TICKS`),
 * prints `ok N` (or `error TEXT`) and exits; the init outlives skiffd. SIGKILL from skiffd
 * (StopPodSandbox) ends it, and the kernel then kills whatever is left in the namespace.
 */
#ifndef SKIFF_PODINIT_H
#define SKIFF_PODINIT_H

#include <stddef.h>

int pod_init_main(const char *state_path, char *const *cgroup_dirs, size_t ncgroups);

#endif
