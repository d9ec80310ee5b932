#define _GNU_SOURCE
#include "identity.h"

#include <grp.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int last_cap(void) {
  char buf[16];
  if (read_small_file("/proc/sys/kernel/cap_last_cap", buf, sizeof buf) < 0) {
    return CAP_LAST_CAP;
  }
  return atoi(buf);
}

static int drop_bounding(uint64_t keep, int last, struct err *e) {
  for (int cap = 0; cap <= last; cap++) {
    if (!(keep & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
      return fail_errno(e, "drop capability %d from the bounding set", cap);
    }
  }
  return 0;
}

static int set_caps(const struct plan *plan, struct err *e) {
  struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  struct __user_cap_data_struct data[2] = {0};
  for (int half = 0; half < 2; half++) {
    data[half].effective = (uint32_t)(plan->caps[CAP_SET_EFFECTIVE] >> (32 * half));
    data[half].permitted = (uint32_t)(plan->caps[CAP_SET_PERMITTED] >> (32 * half));
    data[half].inheritable = (uint32_t)(plan->caps[CAP_SET_INHERITABLE] >> (32 * half));
  }
  if (syscall(SYS_capset, &header, data) < 0) {
    return fail_errno(e, "capset");
  }
  return 0;
}

static int set_ambient(uint64_t ambient, int last, struct err *e) {
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) {
    return fail_errno(e, "clear ambient capabilities");
  }
  for (int cap = 0; cap <= last; cap++) {
    if ((ambient & (1ULL << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0) {
      return fail_errno(e, "raise ambient capability %d", cap);
    }
  }
  return 0;
}

int identity_apply(const struct plan *plan, struct err *e) {
  int last = last_cap();
  if (drop_bounding(plan->caps[CAP_SET_BOUNDING], last, e) < 0) {
    return -1;
  }
  /* Keep the permitted set across setuid, so capset below can still grant a non-root user
     the capabilities the plan gives it. */
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) {
    return fail_errno(e, "prctl PR_SET_KEEPCAPS");
  }
  if (setgroups(plan->ngroups, plan->groups) < 0) {
    return fail_errno(e, "setgroups");
  }
  if (setresgid(plan->gid, plan->gid, plan->gid) < 0) {
    return fail_errno(e, "setgid %u", (unsigned)plan->gid);
  }
  if (setresuid(plan->uid, plan->uid, plan->uid) < 0) {
    return fail_errno(e, "setuid %u", (unsigned)plan->uid);
  }
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) {
    return fail_errno(e, "prctl PR_SET_KEEPCAPS");
  }
  if (set_caps(plan, e) < 0 || set_ambient(plan->caps[CAP_SET_AMBIENT], last, e) < 0) {
    return -1;
  }
  if (plan->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
    return fail_errno(e, "prctl PR_SET_NO_NEW_PRIVS");
  }
  return 0;
}
