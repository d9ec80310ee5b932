package dev.skiff.server.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's docker-registry (the CNCF distribution registry) on 127.0.0.1:PORT inside a
 * test's private network namespace, with its storage in a temp directory. Plain HTTP, or
 * TLS with a self-signed certificate for 127.0.0.1 plus htpasswd basic auth. Stopped by
 * its pid; kill() ends it abruptly, start() brings it back on the same storage.
 */
public final class LocalRegistry implements AutoCloseable {
  private final PrivateNetns netns;
  private final Path dir;
  private final int port;
  private final boolean tls;
  private Process process;

  private LocalRegistry(PrivateNetns netns, Path dir, int port, boolean tls) {
    this.netns = netns;
    this.dir = dir;
    this.port = port;
    this.tls = tls;
  }

  public static LocalRegistry plainHttp(PrivateNetns netns, int port) throws IOException {
    LocalRegistry registry = new LocalRegistry(netns, Files.createTempDirectory("skiff-registry-"), port, false);
    registry.writeConfig("");
    registry.start();
    return registry;
  }

  /** TLS with a fresh self-signed certificate, and basic auth for one user. */
  public static LocalRegistry tlsWithAuth(PrivateNetns netns, int port, String user, String password) throws IOException {
    Path dir = Files.createTempDirectory("skiff-registry-");
    LocalRegistry registry = new LocalRegistry(netns, dir, port, true);
    Commands.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(),
        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1")).orThrow("openssl req");
    CommandResult hash = Commands.run(List.of("htpasswd", "-Bbn", user, password)).orThrow("htpasswd (apache2-utils)");
    Files.writeString(dir.resolve("htpasswd"), hash.stdout().strip() + "\n");
    registry.writeConfig("""
          tls:
            certificate: %s
            key: %s
        auth:
          htpasswd:
            realm: skiff-test
            path: %s
        """.formatted(dir.resolve("cert.pem"), dir.resolve("key.pem"), dir.resolve("htpasswd")));
    registry.start();
    return registry;
  }

  private void writeConfig(String extra) throws IOException {
    Files.createDirectories(dir.resolve("data"));
    Files.writeString(dir.resolve("config.yml"), """
        version: 0.1
        log:
          level: info
        storage:
          filesystem:
            rootdirectory: %s
          delete:
            enabled: true
        http:
          addr: 127.0.0.1:%d
        """.formatted(dir.resolve("data"), port) + extra);
  }

  public String host() {
    return "127.0.0.1:" + port;
  }

  public Path certificate() {
    return dir.resolve("cert.pem");
  }

  public Path log() {
    return dir.resolve("registry.log");
  }

  public String logText() throws IOException {
    return Files.exists(log()) ? Files.readString(log()) : "";
  }

  public void start() throws IOException {
    process = new ProcessBuilder(netns.wrap(List.of("/usr/bin/docker-registry", "serve", dir.resolve("config.yml").toString())))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
        .start();
    String scheme = tls ? "https" : "http";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("docker-registry exited " + process.exitValue() + ":\n" + logText());
      }
      // Any HTTP answer (200, or 401 with auth) means it listens.
      CommandResult probe = Commands.run(netns.wrap(List.of("curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}",
          scheme + "://" + host() + "/v2/")), 10);
      if (probe.ok() && !probe.stdout().equals("000")) {
        return;
      }
      sleepQuietly(100);
    }
    throw new AssertionError("docker-registry did not answer on " + host() + " within 30 s:\n" + logText());
  }

  /** Ends the registry abruptly (SIGKILL), as a crash or a network cut would. */
  public void kill() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor();
    }
  }

  /**
   * Pushes an OCI layout directory's image with skopeo, from inside the namespace, byte for
   * byte (--preserve-digests: skopeo would otherwise gzip the plain-tar layers).
   */
  public void push(Path layout, String reference, String credentials) {
    List<String> command = new java.util.ArrayList<>(List.of("skopeo", "copy", "--quiet", "--preserve-digests",
        "--dest-tls-verify=false"));
    if (credentials != null) {
      command.addAll(List.of("--dest-creds", credentials));
    }
    command.addAll(List.of("oci:" + layout + ":latest", "docker://" + host() + "/" + reference));
    Commands.run(netns.wrap(command), 300).orThrow("skopeo copy to " + host() + "/" + reference);
  }

  @Override
  public void close() {
    try {
      kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    SkiffdProcess.deleteTree(dir);
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
