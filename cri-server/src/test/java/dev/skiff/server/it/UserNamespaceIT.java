package dev.skiff.server.it;

import static dev.skiff.server.it.ContainerConfigsJson.awaitState;
import static dev.skiff.server.it.ContainerConfigsJson.busybox;
import static dev.skiff.server.it.ContainerConfigsJson.exec;
import static dev.skiff.server.it.ContainerConfigsJson.inspect;
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
