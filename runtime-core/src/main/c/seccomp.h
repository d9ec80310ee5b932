/*
 * Seccomp: the filter skiffd resolved (RuntimeDefault, a Localhost profile) arrives in the
 * launch plan as plain lines; the shim builds it with libseccomp. Plan directives:
 *   seccomp_default ACTION ERRNO
 *   seccomp_arch NAME                      (libseccomp arch name: x86_64, x86, x32, aarch64...)
 *   seccomp_syscall NAME ACTION ERRNO [ARG]...   ARG = "INDEX OP VALUE VALUE_TWO"
 * ACTION: ALLOW ERRNO KILL_THREAD KILL_PROCESS TRAP TRACE LOG; ERRNO is the errno (ERRNO) or
 * message (TRACE), else 0. OP: NE LT LE EQ GE GT MASKED_EQ (MASKED_EQ: VALUE is the mask).
 */
#ifndef SKIFF_SECCOMP_H
#define SKIFF_SECCOMP_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define SECCOMP_MAX_ARGS 6

struct seccomp_arg {
  unsigned int index;
  int op; /* enum scmp_compare */
  uint64_t value;
  uint64_t value_two;
};

struct seccomp_syscall_rule {
  char *name;
  uint32_t action;
  unsigned int nargs;
  struct seccomp_arg args[SECCOMP_MAX_ARGS];
};

struct seccomp_plan {
  uint32_t default_action;
  char **arches;
  size_t narches;
  struct seccomp_syscall_rule *rules;
  size_t nrules;
};

/* Parses one seccomp_* directive (fields as split by the plan reader) into *plan, allocating it. */
int seccomp_plan_directive(struct seccomp_plan **plan, char **fields, size_t nfields, struct err *e);
/* Loads the filter into the calling thread (and the process it execs). NULL plan: nothing. */
int seccomp_apply(const struct seccomp_plan *plan, struct err *e);

/* The two places a process's filter goes in (see container.c): before dropping privileges
   when the process lacks no_new_privs (loading needs CAP_SYS_ADMIN then), else after. */
struct plan;
int seccomp_before_identity(const struct plan *plan, struct err *e);
int seccomp_after_identity(const struct plan *plan, struct err *e);

#endif
