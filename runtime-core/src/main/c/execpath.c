#define _GNU_SOURCE
#include "execpath.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static int executable_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

static int fail_exec(struct err *e, const char *name) {
  int saved = errno;
  const char *reason = saved == ENOENT ? "no such file or directory" : strerror(saved);
  return fail(e, "exec: \"%s\": %s", name, reason);
}

int exec_process(char *const *args, char *const *env, const char *path_env, struct err *e) {
  const char *name = args[0];
  if (name[0] == '\0') {
    return fail(e, "exec: empty executable name");
  }
  if (strchr(name, '/') != NULL) {
    execve(name, args, env);
    return fail_exec(e, name);
  }
  AUTO_FREE char *dirs = xstrdup(path_env ? path_env : DEFAULT_PATH);
  char *save = NULL;
  for (char *dir = strtok_r(dirs, ":", &save); dir != NULL; dir = strtok_r(NULL, ":", &save)) {
    AUTO_FREE char *candidate = xasprintf("%s/%s", dir[0] ? dir : ".", name);
    if (executable_file(candidate)) {
      execve(candidate, args, env);
      return fail_exec(e, name);
    }
  }
  return fail(e, "exec: \"%s\": executable file not found in $PATH", name);
}
