package dev.skiff.runtime.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Signals to other processes, and process identity by pid + start time (against pid reuse). */
public final class Processes {
  public static final int SIGKILL = 9;
  public static final int SIGTERM = 15;

  private Processes() {}

  /** Sends signal; returns false when the process no longer exists. */
  public static boolean kill(int pid, int signal) throws KernelException {
    if (LibC.INSTANCE.kill(pid, signal) != 0) {
      int errno = LibC.errno();
      if (errno == Errno.ESRCH) {
        return false;
      }
      throw new KernelException("kill", pid + ", " + signal, errno);
    }
    return true;
  }

  /** Field 22 of /proc/PID/stat (clock ticks after boot), or -1 when there is no such process. */
  public static long startTime(int pid) throws IOException {
    String[] fields = statFields(pid);
    return fields == null ? -1 : Long.parseLong(fields[22 - 3]);
  }

  /** True when pid still names the process that started at startTime. */
  public static boolean isAlive(int pid, long startTime) throws IOException {
    return pid > 0 && startTime(pid) == startTime;
  }

  /**
   * True when pid still names the process that started at startTime and it has not exited: a
   * zombie (state Z, X) has, and waits only for its parent to reap it. That parent may be a
   * slow reaper (the host's init, once a launcher exited), so waiting for reaping is no way to
   * wait for an exit.
   */
  public static boolean isRunning(int pid, long startTime) throws IOException {
    String[] fields = pid > 0 ? statFields(pid) : null;
    return fields != null && Long.parseLong(fields[22 - 3]) == startTime
        && !fields[0].equals("Z") && !fields[0].equals("X");
  }

  /** The fields of /proc/PID/stat from the third (state) on, or null when there is no such process. */
  private static String[] statFields(int pid) throws IOException {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      // A process that exits between open and read makes the read fail with ESRCH.
      if (!Files.isDirectory(Path.of("/proc/" + pid)) || "No such process".equals(e.getMessage())) {
        return null;
      }
      throw e;
    }
    // The command name may contain spaces and parentheses: fields resume after the last ')'.
    return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
  }
}
