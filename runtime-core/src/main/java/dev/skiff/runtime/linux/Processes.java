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
    String stat;
    try {
      stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    } catch (NoSuchFileException e) {
      return -1;
    } catch (IOException e) {
      // A process that exits between open and read makes the read fail with ESRCH.
      if (!Files.isDirectory(Path.of("/proc/" + pid)) || "No such process".equals(e.getMessage())) {
        return -1;
      }
      throw e;
    }
    // The command name may contain spaces and parentheses: fields resume after the last ')'.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[22 - 3]);
  }

  /** True when pid still names the process that started at startTime. */
  public static boolean isAlive(int pid, long startTime) throws IOException {
    return pid > 0 && startTime(pid) == startTime;
  }
}
