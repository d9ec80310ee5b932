/* Finding the executable the way a shell would, with errors that name it. */
#ifndef SKIFF_EXECPATH_H
#define SKIFF_EXECPATH_H

#include "plan.h"

/* execve of args[0] (searched in the plan's PATH when it has no '/') with the given
   environment; returns only on failure, with a message such as
   exec: "nope": executable file not found in $PATH. */
int exec_process(char *const *args, char *const *env, const char *path_env, struct err *e);

#endif
