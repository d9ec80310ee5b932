package dev.skiff.runtime.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What CRIU must be told about a container's init: its namespaces' inodes, its fds 0-2. */
final class ProcessNamespaces {
  /** Linux's devices.txt: 136-143 are the Unix98 pty slaves (/dev/pts/N). */
  private static final long UNIX98_PTY_SLAVE_MAJOR = 136;
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

  /**
   * CRIU's names ("tty[RDEV:DEV]", hexadecimal) for the pseudo-terminal slaves on fds 0-2: a
   * container with a terminal has its pty's master in the shim, outside the dumped tree, so
   * CRIU must be told the slave is external, as runc and LXC do for their consoles.
   */
  static List<String> terminals(Path proc, int pid) {
    List<String> ttys = new ArrayList<>();
    for (int fd = 0; fd <= 2; fd++) {
      try {
        Map<String, Object> st = Files.readAttributes(proc.resolve(pid + "/fd/" + fd), "unix:mode,rdev,dev");
        long rdev = (Long) st.get("rdev");
        long major = ((rdev >>> 8) & 0xfffL) | ((rdev >>> 32) & 0xfffff000L);
        String name = "tty[" + Long.toHexString(rdev) + ":" + Long.toHexString((Long) st.get("dev")) + "]";
        if (((Integer) st.get("mode") & 0170000) == 0020000 && major >= UNIX98_PTY_SLAVE_MAJOR
            && major < UNIX98_PTY_SLAVE_MAJOR + 8 && !ttys.contains(name)) {
          ttys.add(name);
        }
      } catch (IOException gone) {
        // a closed descriptor is nothing to declare
      }
    }
    return ttys;
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
