/*
 * The launch plan: what skiffd decided about one container, in a line format the shim can
 * read without a JSON parser. skiffd writes it as <bundle>/shim-plan next to the OCI
 * config.json it was derived from (config.json stays the standard description; the plan is
 * the same decisions with numbers already resolved: uids, capability masks, MS_* flags).
 *
 * Format: first line "skiff-plan 1"; then one directive per line, fields separated by one
 * TAB, each field escaped with \\ \t \n. Unknown directives are errors.
 */
#ifndef SKIFF_PLAN_H
#define SKIFF_PLAN_H

#include <stdint.h>
#include <sys/types.h>

#include "cgroupfs.h"
#include "seccomp.h"
#include "util.h"

enum ns_kind { NS_NET, NS_IPC, NS_UTS, NS_PID, NS_CGROUP, NS_USER, NS_KINDS };

/* Per kind: absent = stay in the host's; present with empty path = new; with path = join. */
struct plan_namespace {
  int present;
  char *path;
};

struct plan_mount {
  char *dest;
  char *type;
  char *source;
  char *data;
  unsigned long flags;       /* MS_* for mount(2), MS_BIND|MS_REC for binds */
  unsigned long propagation; /* MS_PRIVATE/MS_SLAVE/MS_SHARED (|MS_REC) or 0 */
  int recursive_readonly;    /* mount_setattr(MOUNT_ATTR_RDONLY, AT_RECURSIVE) */
  char *idmap_userns;        /* a bind shown through this user namespace's idmapping (idmount.h), or NULL */
};

struct plan_device {
  char *path;
  char kind; /* 'c' or 'b' */
  unsigned int major, minor;
  mode_t mode;
  uid_t uid;
  gid_t gid;
};

struct plan_rlimit {
  int resource;
  unsigned long long soft, hard;
};

enum cap_set { CAP_SET_BOUNDING, CAP_SET_EFFECTIVE, CAP_SET_PERMITTED, CAP_SET_INHERITABLE, CAP_SET_AMBIENT, CAP_SETS };

struct plan {
  char **args;
  size_t nargs;
  char **env;
  size_t nenv;
  char *cwd;
  uid_t uid;
  gid_t gid;
  gid_t *groups;
  size_t ngroups;
  char *hostname;
  struct plan_namespace ns[NS_KINDS];
  char **cgroups; /* cgroup directories; the shim writes into <dir>/cgroup.procs */
  size_t ncgroups;
  char *oom_counter; /* memory.events (v2) or memory.oom_control (v1): its oom_kill counter */
  char *rootfs;
  int readonly_rootfs;
  unsigned long root_propagation;
  struct plan_mount *mounts;
  size_t nmounts;
  struct plan_device *devices;
  size_t ndevices;
  char **masked;
  size_t nmasked;
  char **readonly_paths;
  size_t nreadonly_paths;
  char **sysctl_keys;
  char **sysctl_values;
  size_t nsysctls;
  uint64_t caps[CAP_SETS];
  int no_new_privs;
  struct seccomp_plan *seccomp; /* NULL: unconfined */
  struct plan_rlimit *rlimits;
  size_t nrlimits;
  int has_oom_score_adj;
  int oom_score_adj;
  char *log_path;
  int terminal;   /* the process gets a pty (pty.h); the shim holds the master */
  int stdin_open; /* the shim holds the process's stdin for attach clients (attach.h) */
  int stdin_once; /* closed when the first attached client's stdin ends */
  struct cgroupfs_plan *cgroupfs; /* NULL: no cgroup filesystem in the container */
};

int plan_load(const char *path, struct plan *plan, struct err *e);
/* The value of NAME in the plan's environment, or NULL. */
const char *plan_getenv(const struct plan *plan, const char *name);

#endif
