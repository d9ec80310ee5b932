#define _GNU_SOURCE
#include "seccomp.h"

#include "plan.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_action(const char *name, const char *ret, uint32_t *out, struct err *e) {
  char *end;
  errno = 0;
  unsigned long value = strtoul(ret, &end, 0);
  if (errno != 0 || end == ret || *end != '\0' || value > 0xffff) {
    return fail(e, "seccomp: bad errno/message value '%s'", ret);
  }
  if (strcmp(name, "ALLOW") == 0) {
    *out = SCMP_ACT_ALLOW;
  } else if (strcmp(name, "ERRNO") == 0) {
    *out = SCMP_ACT_ERRNO((uint16_t)value);
  } else if (strcmp(name, "KILL_THREAD") == 0) {
    *out = SCMP_ACT_KILL_THREAD;
  } else if (strcmp(name, "KILL_PROCESS") == 0) {
    *out = SCMP_ACT_KILL_PROCESS;
  } else if (strcmp(name, "TRAP") == 0) {
    *out = SCMP_ACT_TRAP;
  } else if (strcmp(name, "TRACE") == 0) {
    *out = SCMP_ACT_TRACE((uint16_t)value);
  } else if (strcmp(name, "LOG") == 0) {
    *out = SCMP_ACT_LOG;
  } else {
    return fail(e, "seccomp: unknown action '%s'", name);
  }
  return 0;
}

static int parse_op(const char *name, int *out, struct err *e) {
  static const struct {
    const char *name;
    enum scmp_compare op;
  } OPS[] = {{"NE", SCMP_CMP_NE}, {"LT", SCMP_CMP_LT}, {"LE", SCMP_CMP_LE},          {"EQ", SCMP_CMP_EQ},
             {"GE", SCMP_CMP_GE}, {"GT", SCMP_CMP_GT}, {"MASKED_EQ", SCMP_CMP_MASKED_EQ}};
  for (size_t i = 0; i < sizeof OPS / sizeof OPS[0]; i++) {
    if (strcmp(OPS[i].name, name) == 0) {
      *out = OPS[i].op;
      return 0;
    }
  }
  return fail(e, "seccomp: unknown argument operator '%s'", name);
}

static int parse_arg(const char *text, struct seccomp_arg *arg, struct err *e) {
  char op[16];
  unsigned long long value, value_two;
  if (sscanf(text, "%u %15s %llu %llu", &arg->index, op, &value, &value_two) != 4 || arg->index > 5) {
    return fail(e, "seccomp: bad argument condition '%s'", text);
  }
  arg->value = value;
  arg->value_two = value_two;
  return parse_op(op, &arg->op, e);
}

int seccomp_plan_directive(struct seccomp_plan **planp, char **f, size_t nf, struct err *e) {
  if (*planp == NULL) {
    *planp = xmalloc(sizeof **planp);
    memset(*planp, 0, sizeof **planp);
    (*planp)->default_action = SCMP_ACT_ALLOW;
  }
  struct seccomp_plan *plan = *planp;
  if (strcmp(f[0], "seccomp_default") == 0) {
    if (nf != 3) {
      return fail(e, "seccomp_default takes 2 fields");
    }
    return parse_action(f[1], f[2], &plan->default_action, e);
  }
  if (strcmp(f[0], "seccomp_arch") == 0) {
    if (nf != 2) {
      return fail(e, "seccomp_arch takes 1 field");
    }
    char *copy = xstrdup(f[1]);
    plan->arches = array_push(plan->arches, &plan->narches, sizeof copy, &copy);
    return 0;
  }
  if (strcmp(f[0], "seccomp_syscall") == 0) {
    if (nf < 4 || nf > 4 + SECCOMP_MAX_ARGS) {
      return fail(e, "seccomp_syscall takes 3 to %d fields", 3 + SECCOMP_MAX_ARGS);
    }
    struct seccomp_syscall_rule rule = {0};
    if (parse_action(f[2], f[3], &rule.action, e) < 0) {
      return -1;
    }
    for (size_t i = 4; i < nf; i++) {
      if (parse_arg(f[i], &rule.args[rule.nargs++], e) < 0) {
        return -1;
      }
    }
    rule.name = xstrdup(f[1]);
    plan->rules = array_push(plan->rules, &plan->nrules, sizeof rule, &rule);
    return 0;
  }
  return fail(e, "unknown directive '%s'", f[0]);
}

static void release(scmp_filter_ctx *ctx) {
  if (*ctx) {
    seccomp_release(*ctx);
  }
}

int seccomp_apply(const struct seccomp_plan *plan, struct err *e) {
  if (plan == NULL) {
    return 0;
  }
  __attribute__((cleanup(release))) scmp_filter_ctx ctx = seccomp_init(plan->default_action);
  if (ctx == NULL) {
    return fail(e, "seccomp: cannot create a filter");
  }
  int rc;
  for (size_t i = 0; i < plan->narches; i++) {
    uint32_t arch = seccomp_arch_resolve_name(plan->arches[i]);
    /* An architecture libseccomp does not know is skipped, as runc does; the native one is always in. */
    if (arch != 0 && (rc = seccomp_arch_add(ctx, arch)) < 0 && rc != -EEXIST) {
      errno = -rc;
      return fail_errno(e, "seccomp: add architecture %s", plan->arches[i]);
    }
  }
  for (size_t i = 0; i < plan->nrules; i++) {
    const struct seccomp_syscall_rule *r = &plan->rules[i];
    int nr = seccomp_syscall_resolve_name(r->name);
    /* A syscall this kernel's libseccomp does not know, or a rule that repeats the default
       action, changes nothing: skipped, as runc and crun do. */
    if (nr == __NR_SCMP_ERROR || r->action == plan->default_action) {
      continue;
    }
    struct scmp_arg_cmp cmp[SECCOMP_MAX_ARGS];
    for (unsigned int a = 0; a < r->nargs; a++) {
      cmp[a] = (struct scmp_arg_cmp){.arg = r->args[a].index, .op = (enum scmp_compare)r->args[a].op,
                                     .datum_a = r->args[a].value, .datum_b = r->args[a].value_two};
    }
    rc = seccomp_rule_add_array(ctx, r->action, nr, r->nargs, cmp);
    if (rc < 0) {
      errno = -rc;
      return fail_errno(e, "seccomp: rule for %s", r->name);
    }
  }
  rc = seccomp_load(ctx);
  if (rc < 0) {
    errno = -rc;
    return fail_errno(e, "seccomp: load the filter");
  }
  return 0;
}

int seccomp_before_identity(const struct plan *plan, struct err *e) {
  return plan->no_new_privs ? 0 : seccomp_apply(plan->seccomp, e);
}

int seccomp_after_identity(const struct plan *plan, struct err *e) {
  return plan->no_new_privs ? seccomp_apply(plan->seccomp, e) : 0;
}
