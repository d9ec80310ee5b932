/*
 * The shim's control socket, <bundle>/shim.sock (SOCK_STREAM). A client sends one line and
 * gets one line back:
 *   start        -> "ok" | "error <text>"     exec the created process (StartContainer)
 *   signal <n>   -> "ok" | "error <text>"     kill(2) the container process
 *   reopen-log   -> "ok" | "error <text>"     ReopenContainerLog (SIGUSR1 does the same)
 *   state        -> "created <pid>" | "running <pid>" | "exited <pid>"
 *   wait         -> no reply; the connection closes once the exit file is written
 */
#ifndef SKIFF_CONTROL_H
#define SKIFF_CONTROL_H

#include <stddef.h>

#include "util.h"

int control_listen(const char *path, struct err *e);
/* Accepts one client and reads its command line (NUL-terminated, without newline) into cmd.
   Returns the client fd, or -1 when the client sent nothing usable. */
int control_accept(int listen_fd, char *cmd, size_t size);
void control_reply(int client, const char *reply);

#endif
