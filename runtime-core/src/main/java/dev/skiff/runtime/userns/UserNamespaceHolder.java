package dev.skiff.runtime.userns;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code skiff-shim userns-hold} (src/main/c/usernshold.h): a process that makes a pod's user
 * namespace and, once skiffd has written its uid_map and gid_map, the pod's other namespaces
 * inside it. While it is held open its /proc/PID/ns files can be bind-mounted to pin them;
 * closing it ends the process (so does skiffd's death: EOF on its stdin).
 */
public final class UserNamespaceHolder implements AutoCloseable {
  private static final long EXIT_TIMEOUT_MS = 5000;

  private final Process process;

  private UserNamespaceHolder(Process process) {
    this.process = process;
  }

  /** Starts the holder, maps the ids and unshares {@code kinds} ("net", "ipc", "uts") inside. */
  public static UserNamespaceHolder start(Path shim, UserNamespaceMappings mappings, List<String> kinds)
      throws IOException {
    ProcessBuilder builder = kinds.isEmpty() ? new ProcessBuilder(shim.toString(), "userns-hold")
        : new ProcessBuilder(shim.toString(), "userns-hold", "--unshare", String.join(",", kinds));
    Process process = builder.redirectError(ProcessBuilder.Redirect.DISCARD).start();
    UserNamespaceHolder holder = new UserNamespaceHolder(process);
    try {
      BufferedReader replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      expect(replies.readLine(), "ready");
      // Each map is written once, whole, by a process with CAP_SETUID/CAP_SETGID in the parent
      // user namespace, so /proc/PID/setgroups stays "allow" and any host range may be mapped.
      writeMap(process.pid(), "uid_map", mappings.uids());
      writeMap(process.pid(), "gid_map", mappings.gids());
      OutputStream in = process.getOutputStream();
      in.write("mapped\n".getBytes(StandardCharsets.UTF_8));
      in.flush();
      expect(replies.readLine(), "ok");
      return holder;
    } catch (IOException | RuntimeException e) {
      holder.close();
      throw e;
    }
  }

  /** The holder's namespace file of kind ("user", "net", "ipc", "uts"), to bind-mount. */
  public String namespacePath(String kind) {
    return "/proc/" + process.pid() + "/ns/" + kind;
  }

  private static void expect(String reply, String wanted) throws IOException {
    if (reply == null) {
      throw new IOException("the user namespace holder exited before '" + wanted + "'");
    }
    if (!reply.equals(wanted)) {
      throw new IOException("cannot create the pod's user namespace: " + reply.replaceFirst("^error ", ""));
    }
  }

  private static void writeMap(long pid, String file, IdMapping mapping) throws IOException {
    Path path = Path.of("/proc/" + pid + "/" + file);
    try {
      Files.write(path, mapping.mapLine().getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new IOException("cannot write " + file + " '" + mapping.mapLine().strip() + "' of the pod's user namespace: "
          + e.getMessage(), e);
    }
  }

  /** Ends the holder; the namespaces live on only where they were pinned. */
  @Override
  public void close() {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // The process is gone already: nothing to end.
    }
    try {
      if (!process.waitFor(EXIT_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(EXIT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
