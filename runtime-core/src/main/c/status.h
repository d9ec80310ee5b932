/*
 * Files the shim leaves in the bundle for skiffd (each written atomically, "key value" lines):
 *   state    shim_pid, shim_start, pid, pid_start, created_ns   once the process is created
 *   started  started_ns                                          once exec succeeded
 *   exit     exit_code, signal, finished_ns, oom_killed[, message] when the process is reaped
 * pid + start time (clock ticks, /proc/PID/stat field 22) name a process safely across pid reuse.
 */
#ifndef SKIFF_STATUS_H
#define SKIFF_STATUS_H

#include <sys/types.h>

#include "util.h"

int status_write_state(const char *bundle, pid_t pid, struct err *e);
int status_write_started(const char *bundle, struct err *e);
/* wait_status as from waitpid; message may be NULL. */
int status_write_exit(const char *bundle, int wait_status, int oom_killed, const char *message, struct err *e);

#endif
