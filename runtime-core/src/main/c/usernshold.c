#define _GNU_SOURCE
#include "usernshold.h"

#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static int flags_of(const char *list, int *flags, struct err *e) {
  AUTO_FREE char *copy = xstrdup(list);
  char *save = NULL;
  *flags = 0;
  for (char *name = strtok_r(copy, ",", &save); name != NULL; name = strtok_r(NULL, ",", &save)) {
    if (strcmp(name, "net") == 0) {
      *flags |= CLONE_NEWNET;
    } else if (strcmp(name, "ipc") == 0) {
      *flags |= CLONE_NEWIPC;
    } else if (strcmp(name, "uts") == 0) {
      *flags |= CLONE_NEWUTS;
    } else {
      return fail(e, "unknown namespace %s", name);
    }
  }
  return 0;
}

static int reply(const char *line) {
  return fputs(line, stdout) < 0 || fflush(stdout) != 0 ? -1 : 0;
}

int userns_hold_main(const char *unshare_list) {
  struct err e = {{0}};
  char line[64];
  int flags = 0;
  if (flags_of(unshare_list ? unshare_list : "", &flags, &e) < 0) {
    printf("error %s\n", e.msg);
    return 1;
  }
  if (unshare(CLONE_NEWUSER) < 0) {
    fail_errno(&e, "unshare user namespace");
    printf("error %s\n", e.msg);
    return 1;
  }
  if (reply("ready\n") < 0 || fgets(line, sizeof line, stdin) == NULL || strcmp(line, "mapped\n") != 0) {
    return 1; /* skiffd gave up */
  }
  if (flags != 0 && unshare(flags) < 0) {
    fail_errno(&e, "unshare %s namespaces in the pod's user namespace", unshare_list);
    printf("error %s\n", e.msg);
    return 1;
  }
  if (reply("ok\n") < 0) {
    return 1;
  }
  while (fgets(line, sizeof line, stdin) != NULL) {
  }
  return 0;
}
