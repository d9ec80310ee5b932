#define _GNU_SOURCE
#include "plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>

#define MAX_FIELDS 16

static const char *const NS_NAMES[NS_KINDS] = {"net", "ipc", "uts", "pid", "cgroup", "user"};
static const char *const CAP_SET_NAMES[CAP_SETS] = {"bounding", "effective", "permitted", "inheritable", "ambient"};

static const struct {
  const char *name;
  int resource;
} RLIMITS[] = {
    {"RLIMIT_AS", RLIMIT_AS},         {"RLIMIT_CORE", RLIMIT_CORE},       {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},     {"RLIMIT_FSIZE", RLIMIT_FSIZE},     {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE}, {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO}, {"RLIMIT_RTTIME", RLIMIT_RTTIME},   {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

static void unescape(char *s) {
  char *out = s;
  for (char *in = s; *in; in++) {
    if (*in == '\\' && in[1]) {
      in++;
      *out++ = *in == 'n' ? '\n' : *in == 't' ? '\t' : *in;
    } else {
      *out++ = *in;
    }
  }
  *out = '\0';
}

static size_t split(char *line, char **fields) {
  size_t n = 0;
  char *p = line;
  while (n < MAX_FIELDS) {
    fields[n++] = p;
    char *tab = strchr(p, '\t');
    if (tab == NULL) {
      break;
    }
    *tab = '\0';
    p = tab + 1;
  }
  for (size_t i = 0; i < n; i++) {
    unescape(fields[i]);
  }
  return n;
}

static int parse_ulong(const char *s, unsigned long long *out, struct err *e) {
  char *end;
  errno = 0;
  *out = strtoull(s, &end, 0);
  if (errno != 0 || end == s || *end != '\0') {
    return fail(e, "not a number: '%s'", s);
  }
  return 0;
}

static int parse_long(const char *s, long long *out, struct err *e) {
  char *end;
  errno = 0;
  *out = strtoll(s, &end, 0);
  if (errno != 0 || end == s || *end != '\0') {
    return fail(e, "not a number: '%s'", s);
  }
  return 0;
}

static int index_of(const char *const *names, size_t count, const char *name) {
  for (size_t i = 0; i < count; i++) {
    if (strcmp(names[i], name) == 0) {
      return (int)i;
    }
  }
  return -1;
}

static char **push_string(char **array, size_t *count, const char *value) {
  char *copy = xstrdup(value);
  return array_push(array, count, sizeof copy, &copy);
}

#define NEED(n)                                                                        \
  do {                                                                                 \
    if (nf != (n) + 1) {                                                               \
      return fail(e, "directive '%s' takes %d field(s), got %zu", key, (n), nf - 1);    \
    }                                                                                  \
  } while (0)

static int apply(struct plan *p, char **f, size_t nf, struct err *e) {
  const char *key = f[0];
  unsigned long long u[6];
  long long l;
  if (strncmp(key, "seccomp_", 8) == 0) {
    return seccomp_plan_directive(&p->seccomp, f, nf, e);
  } else if (strncmp(key, "cgroupfs", 8) == 0) {
    return cgroupfs_plan_directive(&p->cgroupfs, f, nf, e);
  } else if (strcmp(key, "arg") == 0) {
    NEED(1);
    p->args = push_string(p->args, &p->nargs, f[1]);
  } else if (strcmp(key, "env") == 0) {
    NEED(1);
    p->env = push_string(p->env, &p->nenv, f[1]);
  } else if (strcmp(key, "cwd") == 0) {
    NEED(1);
    p->cwd = xstrdup(f[1]);
  } else if (strcmp(key, "user") == 0) {
    NEED(2);
    if (parse_ulong(f[1], &u[0], e) < 0 || parse_ulong(f[2], &u[1], e) < 0) {
      return -1;
    }
    p->uid = (uid_t)u[0];
    p->gid = (gid_t)u[1];
  } else if (strcmp(key, "group") == 0) {
    NEED(1);
    if (parse_ulong(f[1], &u[0], e) < 0) {
      return -1;
    }
    gid_t g = (gid_t)u[0];
    p->groups = array_push(p->groups, &p->ngroups, sizeof g, &g);
  } else if (strcmp(key, "hostname") == 0) {
    NEED(1);
    p->hostname = xstrdup(f[1]);
  } else if (strcmp(key, "namespace") == 0) {
    NEED(2);
    int kind = index_of(NS_NAMES, NS_KINDS, f[1]);
    if (kind < 0) {
      return fail(e, "unknown namespace kind '%s'", f[1]);
    }
    p->ns[kind].present = 1;
    p->ns[kind].path = f[2][0] ? xstrdup(f[2]) : NULL;
  } else if (strcmp(key, "cgroup") == 0) {
    NEED(1);
    p->cgroups = push_string(p->cgroups, &p->ncgroups, f[1]);
  } else if (strcmp(key, "oom_counter") == 0) {
    NEED(1);
    p->oom_counter = xstrdup(f[1]);
  } else if (strcmp(key, "rootfs") == 0) {
    NEED(1);
    p->rootfs = xstrdup(f[1]);
  } else if (strcmp(key, "readonly_rootfs") == 0) {
    NEED(0);
    p->readonly_rootfs = 1;
  } else if (strcmp(key, "root_propagation") == 0) {
    NEED(1);
    if (parse_ulong(f[1], &u[0], e) < 0) {
      return -1;
    }
    p->root_propagation = (unsigned long)u[0];
  } else if (strcmp(key, "mount") == 0) {
    NEED(7);
    struct plan_mount m = {0};
    if (parse_ulong(f[4], &u[0], e) < 0 || parse_ulong(f[5], &u[1], e) < 0 || parse_ulong(f[6], &u[2], e) < 0) {
      return -1;
    }
    m.dest = xstrdup(f[1]);
    m.type = xstrdup(f[2]);
    m.source = xstrdup(f[3]);
    m.flags = (unsigned long)u[0];
    m.propagation = (unsigned long)u[1];
    m.recursive_readonly = u[2] != 0;
    m.data = f[7][0] ? xstrdup(f[7]) : NULL;
    p->mounts = array_push(p->mounts, &p->nmounts, sizeof m, &m);
  } else if (strcmp(key, "mount_idmap") == 0) {
    /* Follows the bind mount it applies to. */
    NEED(1);
    if (p->nmounts == 0 || !(p->mounts[p->nmounts - 1].flags & MS_BIND)) {
      return fail(e, "mount_idmap %s does not follow a bind mount", f[1]);
    }
    p->mounts[p->nmounts - 1].idmap_userns = xstrdup(f[1]);
  } else if (strcmp(key, "device") == 0) {
    NEED(7);
    struct plan_device d = {0};
    for (int i = 0; i < 5; i++) {
      if (parse_ulong(f[3 + i], &u[i], e) < 0) {
        return -1;
      }
    }
    if (strcmp(f[2], "c") != 0 && strcmp(f[2], "b") != 0) {
      return fail(e, "device %s: kind must be c or b, not '%s'", f[1], f[2]);
    }
    d.path = xstrdup(f[1]);
    d.kind = f[2][0];
    d.major = (unsigned int)u[0];
    d.minor = (unsigned int)u[1];
    d.mode = (mode_t)u[2];
    d.uid = (uid_t)u[3];
    d.gid = (gid_t)u[4];
    p->devices = array_push(p->devices, &p->ndevices, sizeof d, &d);
  } else if (strcmp(key, "masked") == 0) {
    NEED(1);
    p->masked = push_string(p->masked, &p->nmasked, f[1]);
  } else if (strcmp(key, "readonly_path") == 0) {
    NEED(1);
    p->readonly_paths = push_string(p->readonly_paths, &p->nreadonly_paths, f[1]);
  } else if (strcmp(key, "sysctl") == 0) {
    NEED(2);
    size_t n = p->nsysctls;
    p->sysctl_keys = push_string(p->sysctl_keys, &n, f[1]);
    p->sysctl_values = push_string(p->sysctl_values, &p->nsysctls, f[2]);
  } else if (strcmp(key, "caps") == 0) {
    NEED(2);
    int set = index_of(CAP_SET_NAMES, CAP_SETS, f[1]);
    if (set < 0) {
      return fail(e, "unknown capability set '%s'", f[1]);
    }
    if (parse_ulong(f[2], &u[0], e) < 0) {
      return -1;
    }
    p->caps[set] = u[0];
  } else if (strcmp(key, "no_new_privs") == 0) {
    NEED(0);
    p->no_new_privs = 1;
  } else if (strcmp(key, "rlimit") == 0) {
    NEED(3);
    struct plan_rlimit r = {.resource = -1};
    for (size_t i = 0; i < sizeof RLIMITS / sizeof RLIMITS[0]; i++) {
      if (strcmp(RLIMITS[i].name, f[1]) == 0) {
        r.resource = RLIMITS[i].resource;
      }
    }
    if (r.resource < 0) {
      return fail(e, "unknown rlimit '%s'", f[1]);
    }
    if (parse_ulong(f[2], &r.soft, e) < 0 || parse_ulong(f[3], &r.hard, e) < 0) {
      return -1;
    }
    p->rlimits = array_push(p->rlimits, &p->nrlimits, sizeof r, &r);
  } else if (strcmp(key, "oom_score_adj") == 0) {
    NEED(1);
    if (parse_long(f[1], &l, e) < 0) {
      return -1;
    }
    p->has_oom_score_adj = 1;
    p->oom_score_adj = (int)l;
  } else if (strcmp(key, "terminal") == 0) {
    NEED(0);
    p->terminal = 1;
  } else if (strcmp(key, "stdin") == 0) {
    NEED(0);
    p->stdin_open = 1;
  } else if (strcmp(key, "stdin_once") == 0) {
    NEED(0);
    p->stdin_once = 1;
  } else if (strcmp(key, "log") == 0) {
    NEED(1);
    p->log_path = xstrdup(f[1]);
  } else {
    return fail(e, "unknown directive '%s'", key);
  }
  return 0;
}

int plan_load(const char *path, struct plan *plan, struct err *e) {
  memset(plan, 0, sizeof *plan);
  FILE *in = fopen(path, "re");
  if (in == NULL) {
    return fail_errno(e, "open launch plan %s", path);
  }
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  int lineno = 0;
  int rc = 0;
  while ((len = getline(&line, &cap, in)) >= 0) {
    lineno++;
    if (len > 0 && line[len - 1] == '\n') {
      line[len - 1] = '\0';
    }
    if (lineno == 1) {
      if (strcmp(line, "skiff-plan 1") != 0) {
        rc = fail(e, "%s: not a skiff launch plan version 1", path);
        break;
      }
      continue;
    }
    if (line[0] == '\0') {
      continue;
    }
    char *fields[MAX_FIELDS];
    size_t nf = split(line, fields);
    if (apply(plan, fields, nf, e) < 0) {
      struct err inner = *e;
      rc = fail(e, "%s line %d: %s", path, lineno, inner.msg);
      break;
    }
  }
  free(line);
  fclose(in);
  if (rc == 0 && lineno == 0) {
    rc = fail(e, "%s: empty launch plan", path);
  }
  if (rc == 0 && plan->nargs == 0) {
    rc = fail(e, "%s: no process arguments", path);
  }
  if (rc == 0) {
    /* execve wants NULL-terminated vectors. */
    char *null = NULL;
    size_t n = plan->nargs;
    plan->args = array_push(plan->args, &n, sizeof null, &null);
    n = plan->nenv;
    plan->env = array_push(plan->env, &n, sizeof null, &null);
  }
  return rc;
}

const char *plan_getenv(const struct plan *plan, const char *name) {
  size_t len = strlen(name);
  for (size_t i = 0; i < plan->nenv; i++) {
    if (strncmp(plan->env[i], name, len) == 0 && plan->env[i][len] == '=') {
      return plan->env[i] + len + 1;
    }
  }
  return NULL;
}
