package dev.skiff.runtime.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What CRIU must be told about a container's init: its namespaces' inodes, its fds 0-2. */
final class ProcessNamespaces {
  private static final Pattern NS_LINK = Pattern.compile("[a-z_]+:\\[(\\d+)\\]");

  private ProcessNamespaces() {}

  /** The inode of /proc/PID/ns/KIND ("net:[4026532008]"). */
  static long inode(Path proc, int pid, String kind) throws IOException {
    String link = Files.readSymbolicLink(proc.resolve(pid + "/ns/" + kind)).toString();
    Matcher m = NS_LINK.matcher(link);
    if (!m.matches()) {
      throw new IOException("unexpected namespace link " + link + " of process " + pid);
    }
    return Long.parseLong(m.group(1));
  }

  /**
   * Whether the process is the init (pid 1) of its own PID namespace: the last NSpid entry
   * of /proc/PID/status. Otherwise its PID namespace is shared (the pod's, the host's, a
   * target container's) and must be external to CRIU.
   */
  static boolean isPidNamespaceInit(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("NSpid:")) {
        String[] pids = line.substring("NSpid:".length()).trim().split("\\s+");
        return pids.length > 1 && pids[pids.length - 1].equals("1");
      }
    }
    return false;
  }

  /** runc's descriptors.json: where fds 0, 1 and 2 point ("pipe:[123]", "/dev/null"), for a restore. */
  static String descriptors(Path proc, int pid) {
    StringBuilder json = new StringBuilder("[");
    for (int fd = 0; fd <= 2; fd++) {
      String target;
      try {
        target = Files.readSymbolicLink(proc.resolve(pid + "/fd/" + fd)).toString();
      } catch (IOException e) {
        target = "";
      }
      json.append(fd == 0 ? "" : ",").append('"').append(target.replace("\\", "\\\\").replace("\"", "\\\""))
          .append('"');
    }
    return json.append(']').toString();
  }
}
