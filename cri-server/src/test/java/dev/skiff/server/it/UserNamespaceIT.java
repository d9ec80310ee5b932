package dev.skiff.server.it;

import static dev.skiff.server.it.ContainerConfigsJson.awaitState;
import static dev.skiff.server.it.ContainerConfigsJson.busybox;
import static dev.skiff.server.it.ContainerConfigsJson.exec;
import static dev.skiff.server.it.ContainerConfigsJson.inspect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pods with a user namespace of their own (userns_options mode POD): ids inside map to a host
 * range, the image's root-owned files appear as the container root's through idmapped
 * layers, and the pod's network namespace belongs to the user namespace.
 */
class UserNamespaceIT {
  private static final long HOST_ID = 300000;
  private static final long LENGTH = 65536;
  private static PrivateNetns netns;
  private static CritestRegistry registry;
  private static SkiffdProcess skiffd;

  @BeforeAll
  static void start() throws Exception {
    netns = PrivateNetns.create("userns");
    registry = CritestRegistry.start(netns, 5000);
    skiffd = SkiffdProcess.startIn(netns, registry.mirrorToml());
    skiffd.crictl("pull", CritestRegistry.BUSYBOX).orThrow("crictl pull busybox");
  }

  @AfterAll
  static void stop() {
    if (skiffd != null) {
      skiffd.close();
    }
    if (registry != null) {
      registry.close();
    }
    netns.close();
  }

  /** A test that failed halfway leaves no pod for the next one to trip over. */
  @AfterEach
  void removePods() {
    for (String pod : skiffd.crictl("pods", "-q").stdout().strip().split("\\s+")) {
      if (!pod.isEmpty()) {
        skiffd.crictl("rmp", "-f", pod);
      }
    }
  }

  private static Path podConfig(String name, String mappings) throws Exception {
    Path file = PodConfigs.write(skiffd, name, "");
    ObjectNode config = (ObjectNode) ContainerConfigsJson.JSON.readTree(file.toFile());
    config.putObject("linux").putObject("security_context").putObject("namespace_options")
        .set("userns_options", ContainerConfigsJson.JSON.readTree("{\"mode\": 0, " + mappings + "}"));
    Files.writeString(file, ContainerConfigsJson.JSON.writeValueAsString(config));
    return file;
  }

  private static String mapping(long containerId, long hostId, long length) {
    return "{\"container_id\": %d, \"host_id\": %d, \"length\": %d}".formatted(containerId, hostId, length);
  }

  private static String podMappings() {
    String one = "[" + mapping(0, HOST_ID, LENGTH) + "]";
    return "\"uids\": " + one + ", \"gids\": " + one;
  }

  @Test
  void podUserNamespaceMapsIdsAndOwnsTheRootfsAndTheNetwork() throws Exception {
    Path podConfig = podConfig("mapped", podMappings());
    String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
    ObjectNode config = busybox("sleeper", "sleep", "1000");
    ((ObjectNode) config.path("linux").path("security_context")).putObject("capabilities")
        .putArray("add_capabilities").add("NET_ADMIN");
    String id = ContainerConfigsJson.run(skiffd, pod, podConfig, config);
    awaitState(skiffd, id, "CONTAINER_RUNNING", 10);

    String expected = "0 " + HOST_ID + " " + LENGTH;
    assertEquals(expected, exec(skiffd, id, "cat", "/proc/self/uid_map").strip().replaceAll("\\s+", " "));
    assertEquals(expected, exec(skiffd, id, "cat", "/proc/self/gid_map").strip().replaceAll("\\s+", " "));
    int pid = inspect(skiffd, id).path("info").path("pid").asInt();
    String status = Files.readString(Path.of("/proc/" + pid + "/status"));
    assertTrue(status.contains("Uid:\t" + HOST_ID + "\t" + HOST_ID), "the container's root is not host id "
        + HOST_ID + ": " + status);

    // Idmapped lower layers: the image's root-owned files are the container root's.
    assertEquals("0:0", exec(skiffd, id, "stat", "-c", "%u:%g", "/bin/busybox").strip());
    assertEquals("0:0", exec(skiffd, id, "stat", "-c", "%u:%g", "/").strip());
    assertEquals("0", exec(skiffd, id, "sh", "-c", "echo hi > /etc/written && stat -c %u /etc/written").strip());
    assertEquals("hi", exec(skiffd, id, "cat", "/etc/written").strip());

    // The pod's network namespace belongs to its user namespace: the container's root may
    // change it with CAP_NET_ADMIN, which would fail were the host's user namespace its owner.
    exec(skiffd, id, "ip", "link", "set", "lo", "mtu", "1300");
    assertTrue(exec(skiffd, id, "ip", "link", "show", "lo").contains("mtu 1300"));
    skiffd.crictl("stopp", pod).orThrow("stopp");
    skiffd.crictl("rmp", pod).orThrow("rmp");
    assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(pod), "a pinned namespace is left");
  }

  private static int hostUid(Path path) throws Exception {
    return (int) Files.getAttribute(path, "unix:uid");
  }

  /** The mountinfo line of the mount at target inside the container, options included. */
  private static String mountInfo(String id, String target) {
    return exec(skiffd, id, "cat", "/proc/self/mountinfo").lines()
        .map(line -> line.split(" ")).filter(fields -> fields.length > 4 && fields[4].equals(target))
        .map(fields -> String.join(" ", fields)).reduce((first, last) -> last)
        .orElseThrow(() -> new AssertionError("no mount at " + target + " in container " + id));
  }

  private static ObjectNode volume(ArrayNode mounts, String containerPath, Path hostPath, boolean readonly) {
    return mounts.addObject().put("container_path", containerPath).put("host_path", hostPath.toString())
        .put("readonly", readonly);
  }

  @Test
  void podFilesAndVolumesAreIdmappedThroughThePodUserNamespace() throws Exception {
    Path volume = Files.createDirectories(skiffd.dir().resolve("userns-volume"));
    Files.writeString(volume.resolve("by-host-root"), "host\n");
    Files.setAttribute(Files.writeString(volume.resolve("by-host-1000"), "1000\n"), "unix:uid", 1000);
    Path readonly = Files.createDirectories(skiffd.dir().resolve("userns-readonly"));
    Path kubelet = Files.createDirectories(skiffd.dir().resolve("userns-kubelet"));
    Path podConfig = podConfig("idmapped", podMappings());
    String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
    ObjectNode config = busybox("volumes", "sleep", "1000");
    ArrayNode mounts = config.putArray("mounts");
    volume(mounts, "/data", volume, false);
    volume(mounts, "/ro", readonly, true).put("recursive_read_only", true);
    // As kubelet sends them: the pod's own mappings on every mount.
    ObjectNode withMappings = volume(mounts, "/kubelet", kubelet, false);
    withMappings.set("uidMappings", ContainerConfigsJson.JSON.readTree("[" + mapping(0, HOST_ID, LENGTH) + "]"));
    withMappings.set("gidMappings", ContainerConfigsJson.JSON.readTree("[" + mapping(0, HOST_ID, LENGTH) + "]"));
    String id = ContainerConfigsJson.run(skiffd, pod, podConfig, config);
    awaitState(skiffd, id, "CONTAINER_RUNNING", 10);

    // The pod's files, written by skiffd as host root, are the container root's (not 65534).
    for (String file : List.of("/etc/hosts", "/etc/hostname", "/etc/resolv.conf")) {
      assertEquals("0:0", exec(skiffd, id, "stat", "-c", "%u:%g", file).strip(), file);
      assertTrue(mountInfo(id, file).contains("idmapped"), mountInfo(id, file));
    }
    // A host directory owned by host root: root's inside, other host ids keep their number.
    assertEquals("0:0", exec(skiffd, id, "stat", "-c", "%u:%g", "/data").strip());
    assertEquals("0", exec(skiffd, id, "stat", "-c", "%u", "/data/by-host-root").strip());
    assertEquals("1000", exec(skiffd, id, "stat", "-c", "%u", "/data/by-host-1000").strip());
    // What the container's root writes there belongs to host root, not to host id HOST_ID.
    exec(skiffd, id, "sh", "-c", "echo from-container > /data/written && mkdir /data/made && touch /kubelet/k");
    assertEquals(0, hostUid(volume.resolve("written")));
    assertEquals(0, (int) Files.getAttribute(volume.resolve("written"), "unix:gid"));
    assertEquals(0, hostUid(volume.resolve("made")));
    assertEquals(0, hostUid(kubelet.resolve("k")));
    assertEquals("from-container", Files.readString(volume.resolve("written")).strip());
    // A read-only volume stays read-only for the (now owning) container root.
    assertTrue(mountInfo(id, "/ro").contains("idmapped"), mountInfo(id, "/ro"));
    assertTrue(exec(skiffd, id, "sh", "-c", "touch /ro/x 2>&1; true").contains("Read-only file system"));
    assertFalse(Files.exists(readonly.resolve("x")));
    // /dev/shm is the pod's tmpfs, not idmapped (as containerd), and still writable.
    assertFalse(mountInfo(id, "/dev/shm").contains("idmapped"), mountInfo(id, "/dev/shm"));
    assertEquals("0", exec(skiffd, id, "sh", "-c", "touch /dev/shm/s; echo $?").strip());
    skiffd.crictl("rmp", "-f", pod).orThrow("rmp");
  }

  @Test
  void aPodWithoutUserNamespaceKeepsPlainBinds() throws Exception {
    Path volume = Files.createDirectories(skiffd.dir().resolve("plain-volume"));
    Path podConfig = PodConfigs.write(skiffd, "plain-binds", "");
    String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
    ObjectNode config = busybox("plain-binds", "sleep", "1000");
    volume(config.putArray("mounts"), "/data", volume, false);
    String id = ContainerConfigsJson.run(skiffd, pod, podConfig, config);
    awaitState(skiffd, id, "CONTAINER_RUNNING", 10);
    for (String target : List.of("/etc/hosts", "/data")) {
      assertFalse(mountInfo(id, target).contains("idmapped"), mountInfo(id, target));
    }
    assertEquals("0:0", exec(skiffd, id, "stat", "-c", "%u:%g", "/etc/hosts").strip());
    exec(skiffd, id, "touch", "/data/plain");
    assertEquals(0, hostUid(volume.resolve("plain")));
    skiffd.crictl("rmp", "-f", pod).orThrow("rmp");
  }

  @Test
  void mountsThatCannotBeIdmappedAreRefusedAtCreate() throws Exception {
    Path volume = Files.createDirectories(skiffd.dir().resolve("refused-volume"));
    Path podConfig = podConfig("refused", podMappings());
    String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
    // sysfs has no idmapped mounts: FAILED_PRECONDITION naming the mount and the filesystem.
    ObjectNode sysfs = busybox("sysfs", "sleep", "1000");
    volume(sysfs.putArray("mounts"), "/host-kernel", Path.of("/sys/kernel"), true);
    CommandResult refused = create(pod, podConfig, sysfs);
    assertNotEquals(0, refused.exitCode(), refused.stdout());
    assertTrue(refused.stderr().contains("FailedPrecondition") && refused.stderr().contains("/host-kernel")
        && refused.stderr().contains("sysfs"), refused.stderr());
    // Per-mount mappings other than the pod's: INVALID_ARGUMENT naming the mount.
    ObjectNode foreign = busybox("foreign", "sleep", "1000");
    ObjectNode mount = volume(foreign.putArray("mounts"), "/data", volume, false);
    mount.set("uidMappings", ContainerConfigsJson.JSON.readTree("[" + mapping(0, 700000, LENGTH) + "]"));
    mount.set("gidMappings", ContainerConfigsJson.JSON.readTree("[" + mapping(0, 700000, LENGTH) + "]"));
    refused = create(pod, podConfig, foreign);
    assertNotEquals(0, refused.exitCode(), refused.stdout());
    assertTrue(refused.stderr().contains("InvalidArgument") && refused.stderr().contains("/data"),
        refused.stderr());
    assertEquals("", skiffd.crictl("ps", "-a", "-q", "--pod", pod).orThrow("ps").stdout().strip(),
        "a refused create left a container");
    skiffd.crictl("rmp", "-f", pod).orThrow("rmp");
  }

  private static CommandResult create(String pod, Path podConfig, ObjectNode config) throws Exception {
    Path file = Files.createTempFile(skiffd.dir(), "ctr-", ".json");
    Files.writeString(file, ContainerConfigsJson.JSON.writeValueAsString(config));
    return skiffd.crictl("create", pod, file.toString(), podConfig.toString());
  }

  @Test
  void nodeModeIsTheHostUserNamespace() throws Exception {
    Path podConfig = PodConfigs.write(skiffd, "node", "");
    ObjectNode config = (ObjectNode) ContainerConfigsJson.JSON.readTree(podConfig.toFile());
    config.putObject("linux").putObject("security_context").putObject("namespace_options")
        .putObject("userns_options").put("mode", 2);
    Files.writeString(podConfig, ContainerConfigsJson.JSON.writeValueAsString(config));
    String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
    String id = ContainerConfigsJson.run(skiffd, pod, podConfig, busybox("host-ids", "sleep", "1000"));
    awaitState(skiffd, id, "CONTAINER_RUNNING", 10);
    assertEquals(Files.readString(Path.of("/proc/self/uid_map")).strip().replaceAll("\\s+", " "),
        exec(skiffd, id, "cat", "/proc/self/uid_map").strip().replaceAll("\\s+", " "));
    skiffd.crictl("rmp", "-f", pod).orThrow("rmp");
  }

  @Test
  void hostileMappingsAreRefusedAndLeaveNothing() throws Exception {
    List<String> bad = List.of(
        "\"uids\": [" + mapping(0, HOST_ID, LENGTH) + ", " + mapping(0, 2000, 10) + "], \"gids\": ["
            + mapping(0, HOST_ID, LENGTH) + "]",
        "\"uids\": [" + mapping(1, HOST_ID, LENGTH) + "], \"gids\": [" + mapping(1, HOST_ID, LENGTH) + "]",
        "\"uids\": [" + mapping(0, 4294967040L, 4096) + "], \"gids\": [" + mapping(0, HOST_ID, LENGTH) + "]",
        "\"uids\": [" + mapping(0, HOST_ID, 0) + "], \"gids\": [" + mapping(0, HOST_ID, LENGTH) + "]");
    for (String mappings : bad) {
      CommandResult run = skiffd.crictl("runp", podConfig("bad", mappings).toString());
      assertFalse(run.ok(), mappings);
      assertTrue(run.stderr().contains("InvalidArgument") && run.stderr().contains("userns_options"),
          run.toString());
    }
    assertEquals("", skiffd.crictl("pods", "-q").orThrow("pods").stdout().strip());
  }
}
