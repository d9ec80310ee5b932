package dev.skiff.server.it;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network namespace made for one test: only its own loopback, so nothing a test starts in
 * it can reach the machine's network. Commands enter it with nsenter --net, which keeps the
 * host mount namespace (ip netns exec would give each command a private one).
 */
public final class PrivateNetns implements AutoCloseable {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private final String name;

  private PrivateNetns(String name) {
    this.name = name;
  }

  public static PrivateNetns create(String purpose) {
    String name = "skiff-" + purpose + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
    Commands.run(List.of("ip", "netns", "add", name)).orThrow("ip netns add " + name);
    PrivateNetns netns = new PrivateNetns(name);
    netns.exec("ip", "link", "set", "lo", "up").orThrow("bringing lo up in " + name);
    return netns;
  }

  public String name() {
    return name;
  }

  public String path() {
    return "/run/netns/" + name;
  }

  /** The command prefixed so that it runs inside this namespace. */
  public List<String> wrap(List<String> command) {
    List<String> wrapped = new ArrayList<>(List.of("nsenter", "--net=" + path(), "--"));
    wrapped.addAll(command);
    return wrapped;
  }

  public CommandResult exec(String... command) {
    return Commands.run(wrap(List.of(command)));
  }

  @Override
  public void close() {
    Commands.run(List.of("ip", "netns", "delete", name));
  }
}
