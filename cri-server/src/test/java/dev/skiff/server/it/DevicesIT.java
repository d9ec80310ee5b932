package dev.skiff.server.it;

import static dev.skiff.server.it.ContainerConfigsJson.busybox;
import static dev.skiff.server.it.ContainerConfigsJson.exec;
import static dev.skiff.server.it.ContainerConfigsJson.securityContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Devices and cgroups inside containers, against the real skiffd on this hybrid host: the
 * device cgroup (v1 devices files) denies what the allowlist does not name, a CRI device gets
 * exactly its permissions, a privileged container gets the host's nodes, and /sys/fs/cgroup
 * shows the container's own cgroups, read-only unless privileged.
 */
class DevicesIT {
  /** An unbound loop device: opening it for reading is harmless, and it is in no default rule. */
  private static final Path LOOP = Path.of("/dev/loop7");
  private static BusyboxSkiffd env;
  private static SkiffdProcess skiffd;

  @BeforeAll
  static void start() throws Exception {
    assertTrue(Files.exists(LOOP) && Files.exists(Path.of("/dev/loop-control")), "this test needs the host's loop devices");
    env = BusyboxSkiffd.start("dev", "");
    skiffd = env.skiffd();
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  private static String sleeper(String pod, Path podConfig, ObjectNode config) throws Exception {
    return ContainerConfigsJson.runRunning(skiffd, pod, podConfig, config);
  }

  /** crictl exec -s of a shell script; its stdout and stderr in order (the script always succeeds). */
  private static String shell(String id, String script) {
    return exec(skiffd, id, "sh", "-c", "{ " + script + "; } 2>&1; true");
  }

  @Test
  void unprivilegedContainerCannotOpenABlockDeviceItMakesButUsesTheStandardNodes() throws Exception {
    Path podConfig = PodConfigs.write(skiffd, "devdeny", "");
    String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
    String id = sleeper(pod, podConfig, busybox("devdeny", "sleep", "1000"));
    String out = shell(id, "mknod /tmp/loop b 7 7 && echo made; head -c 1 /tmp/loop || echo read-denied;"
        + " echo x > /dev/null && echo null-ok; head -c 5 /dev/zero | wc -c; head -c 5 /dev/urandom | wc -c;"
        + " test -e /dev/loop-control || echo no-host-nodes");
    assertTrue(out.contains("made\n"), "CAP_MKNOD and the mknod rule let it make the node: " + out);
    assertTrue(out.contains("head: /tmp/loop: Operation not permitted\nread-denied\n"), "EPERM from the device cgroup: " + out);
    assertTrue(out.contains("null-ok\n5\n5\nno-host-nodes"), out);
    skiffd.crictl("stopp", pod).orThrow("stopp");
    skiffd.crictl("rmp", pod).orThrow("rmp");
  }

  @Test
  void criDeviceGetsExactlyItsPermissions() throws Exception {
    Path podConfig = PodConfigs.write(skiffd, "devcri", "");
    String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
    ObjectNode config = busybox("devcri", "sleep", "1000");
    config.putArray("devices").addObject().put("container_path", "/dev/mydev").put("host_path", LOOP.toString())
        .put("permissions", "r");
    String id = sleeper(pod, podConfig, config);
    String out = shell(id, "ls -l /dev/mydev; head -c 1 /dev/mydev > /dev/null && echo read-ok;"
        + " echo x > /dev/mydev || echo write-denied");
    assertTrue(out.startsWith("b"), "a block device node at /dev/mydev: " + out);
    assertTrue(out.contains("7,   7") || out.contains("7, 7"), out);
    assertTrue(out.contains("read-ok\n"), out);
    assertTrue(out.contains("can't create /dev/mydev: Operation not permitted\nwrite-denied\n"), out);

    ObjectNode bad = busybox("devbad", "sleep", "1000");
    bad.putArray("devices").addObject().put("container_path", "/dev/x").put("host_path", LOOP.toString())
        .put("permissions", "rx");
    Path file = Files.createTempFile(skiffd.dir(), "ctr-", ".json");
    Files.writeString(file, ContainerConfigsJson.JSON.writeValueAsString(bad));
    CommandResult create = skiffd.crictl("create", pod, file.toString(), podConfig.toString());
    assertFalse(create.ok());
    assertTrue(create.stderr().contains("InvalidArgument") && create.stderr().contains("rx"), create.stderr());
    skiffd.crictl("stopp", pod).orThrow("stopp");
    skiffd.crictl("rmp", pod).orThrow("rmp");
  }

  @Test
  void privilegedContainerSeesAndOpensTheHostsDevices() throws Exception {
    Path podConfig = PodConfigs.write(skiffd, "devpriv", "");
    String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
    ObjectNode config = busybox("devpriv", "sleep", "1000");
    securityContext(config).put("privileged", true);
    String id = sleeper(pod, podConfig, config);
    String out = shell(id, "ls -l /dev/loop-control " + LOOP + "; head -c 1 " + LOOP + " > /dev/null && echo read-ok;"
        + " test -L /dev/ptmx && echo ptmx-link; ls /dev/pts");
    assertTrue(out.contains("10, 237") && out.contains("/dev/loop-control"), out);
    assertTrue(out.contains("read-ok\nptmx-link\n"), out);
    assertFalse(out.contains("No such file"), out);
    assertEquals("a *:* rwm", exec(skiffd, id, "cat", "/sys/fs/cgroup/devices/devices.list").strip());
    skiffd.crictl("stopp", pod).orThrow("stopp");
    skiffd.crictl("rmp", pod).orThrow("rmp");
  }

  @Test
  void cgroupFilesystemShowsTheContainersOwnCgroupsReadOnly() throws Exception {
    Path podConfig = PodConfigs.write(skiffd, "cgfs", "");
    String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
    ObjectNode config = busybox("cgfs", "sleep", "1000");
    ((ObjectNode) config.path("linux")).putObject("resources").put("memory_limit_in_bytes", 96L << 20);
    String id = sleeper(pod, podConfig, config);
    assertEquals(Long.toString(96L << 20), exec(skiffd, id, "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes").strip());
    List<String> entries = List.of(exec(skiffd, id, "ls", "/sys/fs/cgroup").split("\\s+"));
    assertTrue(entries.containsAll(List.of("memory", "devices", "pids", "cpu", "systemd", "unified")), entries.toString());
    // The cgroup namespace: every hierarchy's root is the container's cgroup, for exec too.
    for (String line : exec(skiffd, id, "cat", "/proc/1/cgroup").split("\n")) {
      assertTrue(line.endsWith(":/"), "not the namespace's root: " + line);
    }
    assertTrue(exec(skiffd, id, "cat", "/proc/self/cgroup").contains(":memory:/\n"));
    // The device allowlist, seen from inside.
    String devices = exec(skiffd, id, "cat", "/sys/fs/cgroup/devices/devices.list");
    assertTrue(devices.contains("c 1:3 rwm\n") && devices.contains("b *:* m\n") && !devices.contains("a *:*"), devices);
    String write = shell(id, "echo 1 > /sys/fs/cgroup/memory/memory.limit_in_bytes; mkdir /sys/fs/cgroup/memory/sub;"
        + " touch /sys/fs/cgroup/new");
    assertEquals(3, write.split("Read-only file system", -1).length - 1, write);
    assertEquals(Long.toString(96L << 20), exec(skiffd, id, "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes").strip());

    ObjectNode privileged = busybox("cgfs-priv", "sleep", "1000");
    securityContext(privileged).put("privileged", true);
    String privId = sleeper(pod, podConfig, privileged);
    exec(skiffd, privId, "sh", "-c", "mkdir /sys/fs/cgroup/memory/sub && rmdir /sys/fs/cgroup/memory/sub");
    skiffd.crictl("stopp", pod).orThrow("stopp");
    skiffd.crictl("rmp", pod).orThrow("rmp");
  }
}
