/*
 * exec-stream mode (the CRI Exec RPC's streaming session): like exec (execproc.h: the
 * container's cgroups, namespaces, user, capabilities; a reaper in its PID namespace), but
 * interactive. skiffd talks to it over the shim's own stdin and stdout in the frame protocol
 * of frame.h: READY (or ERROR) once the command runs, then STDOUT/STDERR as it writes, and EXIT
 * with its code at the end; it sends STDIN, STDIN_CLOSE and RESIZE.
 *
 * With --tty the command gets a pty of the container's devpts as its controlling terminal
 * (stdout and stderr both arrive as STDOUT; RESIZE sets the window size; STDIN_CLOSE does
 * nothing, a terminal has no half-close). When skiffd goes away (end of file on the shim's
 * stdin) the command sees stdin EOF, or with a tty the hangup of a closed terminal; it is
 * never killed for it, and the shim stays to reap it.
 */
#ifndef SKIFF_EXECSTREAM_H
#define SKIFF_EXECSTREAM_H

#include <sys/types.h>

struct exec_stream_request {
  const char *bundle;
  pid_t pid;
  unsigned long long pid_start; /* 0: not checked */
  int tty;
  int stdin_open;
  char **args;
};

int exec_stream_main(const struct exec_stream_request *req);

#endif
