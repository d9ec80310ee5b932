/*
 * exec mode (ExecSync): run one command inside a running container and wait for it.
 * Enters the cgroups of the plan and the namespaces of the container process
 * (/proc/PID/ns/..., see execproc.h), forks the command with the plan's user, capabilities,
 * no_new_privs and environment, copies its stdout/stderr to the shim's own (each capped at 16 MiB, as since
 * CVE-2022-1708), kills its process group at the timeout, reaps every child, and writes the
 * result file ("key value" lines): exit_code, signal, timed_out, or error <text>.
 */
#ifndef SKIFF_EXEC_H
#define SKIFF_EXEC_H

#include <sys/types.h>

struct exec_request {
  const char *bundle;
  pid_t pid;
  unsigned long long pid_start; /* 0: not checked */
  long timeout_ms;              /* 0: none */
  const char *result_path;
  char **args;
};

int exec_main(const struct exec_request *req);

#endif
