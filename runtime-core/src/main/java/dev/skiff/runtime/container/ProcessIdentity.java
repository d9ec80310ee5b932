package dev.skiff.runtime.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The identity a process really runs with, from /proc/PID/status (real uid, real gid and the
 * supplementary groups), as containerd reports ContainerStatus.user for a running container.
 */
public final class ProcessIdentity {
  private ProcessIdentity() {}

  /** Empty when the process is gone (or its status file lacks the lines). */
  public static Optional<UserIds> read(Path procRoot, int pid) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(procRoot.resolve(Integer.toString(pid)).resolve("status"));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      // A process that exits while the file is read: ESRCH surfaces as a plain IOException.
      if (!Files.exists(procRoot.resolve(Integer.toString(pid)))) {
        return Optional.empty();
      }
      throw e;
    }
    Long uid = null;
    Long gid = null;
    List<Long> groups = null;
    for (String line : lines) {
      if (line.startsWith("Uid:")) {
        uid = firstNumber(line);
      } else if (line.startsWith("Gid:")) {
        gid = firstNumber(line);
      } else if (line.startsWith("Groups:")) {
        groups = numbers(line);
      }
    }
    if (uid == null || gid == null || groups == null) {
      return Optional.empty();
    }
    return Optional.of(new UserIds(uid, gid, groups));
  }

  private static Long firstNumber(String line) {
    List<Long> all = numbers(line);
    return all.isEmpty() ? null : all.get(0);
  }

  private static List<Long> numbers(String line) {
    List<Long> out = new ArrayList<>();
    String values = line.substring(line.indexOf(':') + 1).trim();
    if (values.isEmpty()) {
      return out;
    }
    for (String field : values.split("\\s+")) {
      out.add(Long.parseLong(field));
    }
    return out;
  }
}
