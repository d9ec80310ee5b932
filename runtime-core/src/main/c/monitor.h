/*
 * create mode: the process skiffd starts forks a monitor that outlives skiffd (fork, setsid,
 * fork), waits for the monitor's one-line report and prints it on stdout:
 *   "ok <pid>"      the container process exists, set up, waiting for "start"
 *   "error <text>"  nothing is left running
 * The monitor clones the container process, pumps its output into the CRI log, serves the
 * control socket (control.h), reaps the process, writes the exit file (status.h) and exits.
 */
#ifndef SKIFF_MONITOR_H
#define SKIFF_MONITOR_H

int create_main(const char *bundle);

#endif
