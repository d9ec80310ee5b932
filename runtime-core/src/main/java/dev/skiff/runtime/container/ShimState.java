package dev.skiff.runtime.container;

import java.io.IOException;
import java.util.Map;

/** The shim's {@code state} file: who the shim and the container process are. */
public record ShimState(int shimPid, long shimStart, int pid, long pidStart, long createdNs) {
  static ShimState parse(Map<String, String> values) throws IOException {
    try {
      return new ShimState(Integer.parseInt(values.get("shim_pid")), Long.parseLong(values.get("shim_start")),
          Integer.parseInt(values.get("pid")), Long.parseLong(values.get("pid_start")),
          Long.parseLong(values.get("created_ns")));
    } catch (RuntimeException e) {
      throw new IOException("malformed shim state file: " + values, e);
    }
  }
}
