/*
 * The cgroup filesystem inside the container, at /sys/fs/cgroup, mounted after the
 * container unshared its cgroup namespace in its own cgroups, so each hierarchy shows the
 * container's cgroup as its root. Plan directives:
 *   cgroupfs LAYOUT FLAGS        LAYOUT "unified": cgroup2 right at /sys/fs/cgroup (v2 hosts);
 *                                "tmpfs": a tmpfs there with one mount per hierarchy (v1 and
 *                                hybrid hosts, as runc does); FLAGS the MS_* flags (MS_RDONLY
 *                                for unprivileged containers)
 *   cgroupfs_mount NAME FSTYPE DATA   /sys/fs/cgroup/NAME: "cgroup" with DATA "memory",
 *                                "cpu,cpuacct", "name=systemd"..., or "cgroup2"
 *   cgroupfs_link NAME TARGET    /sys/fs/cgroup/NAME -> TARGET ("cpu" -> "cpu,cpuacct")
 * With "tmpfs" and MS_RDONLY the tmpfs is made read-only once its mounts are in.
 */
#ifndef SKIFF_CGROUPFS_H
#define SKIFF_CGROUPFS_H

#include <stddef.h>

#include "util.h"

struct cgroupfs_entry {
  char *name;
  char *fstype; /* "cgroup", "cgroup2"; NULL for a link */
  char *data;   /* mount data, or the link's target */
};

struct cgroupfs_plan {
  int unified;
  unsigned long flags;
  struct cgroupfs_entry *entries;
  size_t nentries;
};

int cgroupfs_plan_directive(struct cgroupfs_plan **planp, char **f, size_t nf, struct err *e);
/* Mounts the plan's cgroup filesystem under rootfd (the container's root, before pivot). */
int cgroupfs_mount(int rootfd, const struct cgroupfs_plan *plan, struct err *e);

#endif
