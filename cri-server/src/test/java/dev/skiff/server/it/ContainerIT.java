package dev.skiff.server.it;

import static dev.skiff.server.it.ContainerConfigsJson.awaitState;
import static dev.skiff.server.it.ContainerConfigsJson.busybox;
import static dev.skiff.server.it.ContainerConfigsJson.exec;
import static dev.skiff.server.it.ContainerConfigsJson.inspect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Containers end to end with crictl: the real skiffd in a private network namespace, the
 * critest busybox image from Debian's docker-registry, create/start/ps/inspect/logs/exec/
 * stop/rm, and the pod's Stop/Remove taking its containers along.
 */
class ContainerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CRI_LOG_LINE =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z (stdout|stderr) [FP] .*");
  private static BusyboxSkiffd env;
  private static SkiffdProcess skiffd;

  @BeforeAll
  static void start() throws Exception {
    env = BusyboxSkiffd.start("ctr", "");
    skiffd = env.skiffd();
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void containerSeesItsOwnProcessesHostnameAddressImageAndMounts() throws Exception {
    Path shared = Files.createDirectories(skiffd.dir().resolve("shared"));
    Files.writeString(shared.resolve("data.txt"), "from the host\n");
    Path podConfig = PodConfigs.write(skiffd, "world", "");
    String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
    String podIp = JSON.readTree(skiffd.crictl("inspectp", pod).orThrow("inspectp").stdout())
        .path("status").path("network").path("ip").asText();
    ObjectNode config = busybox("web", "/bin/sh", "-c", "echo out-line; echo err-line >&2; exec sleep 1000");
    config.putArray("mounts").addObject().put("container_path", "/data").put("host_path", shared.toString())
        .put("readonly", true);
    String id = ContainerConfigsJson.run(skiffd, pod, podConfig, config);
    awaitState(skiffd, id, "CONTAINER_RUNNING", 10);

    // Only its own processes: sleep as pid 1, then the exec'd ls.
    List<String> pids = Arrays.stream(exec(skiffd, id, "ls", "/proc").split("\\s+"))
        .filter(s -> s.matches("[0-9]+")).toList();
    assertTrue(pids.contains("1") && pids.size() <= 3, "processes visible in the container: " + pids);
    assertEquals("sleep", exec(skiffd, id, "cat", "/proc/1/comm").strip());
    assertEquals("world", exec(skiffd, id, "hostname").strip());
    assertTrue(exec(skiffd, id, "ip", "-4", "addr", "show", "eth0").contains("inet " + podIp + "/"), podIp);
    // The image's files, not the host's.
    assertTrue(exec(skiffd, id, "ls", "/bin").contains("busybox"));
    assertEquals("isolated", exec(skiffd, id, "sh", "-c", "test -e /work/wt && echo host || echo isolated").strip());
    // The CRI mount, read-only.
    assertEquals("from the host", exec(skiffd, id, "cat", "/data/data.txt").strip());
    assertNotEquals("0", exec(skiffd, id, "sh", "-c", "echo x > /data/new 2>/dev/null; echo $?").strip());
    assertFalse(Files.exists(shared.resolve("new")));

    // Logs: CRI format with stream tags, at log_directory + log_path.
    Path log = skiffd.dir().resolve("logs/world/web/0.log");
    List<String> lines = Files.readAllLines(log);
    assertEquals(2, lines.size(), lines.toString());
    lines.forEach(line -> assertTrue(CRI_LOG_LINE.matcher(line).matches(), line));
    assertTrue(lines.stream().anyMatch(l -> l.endsWith(" stdout F out-line")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.endsWith(" stderr F err-line")), lines.toString());
    CommandResult logs = skiffd.crictl("logs", id).orThrow("crictl logs");
    assertEquals("out-line", logs.stdout().strip());
    assertTrue(logs.stderr().contains("err-line"), logs.stderr());

    // inspect: status and verbose info.
    JsonNode inspected = inspect(skiffd, id);
    JsonNode status = inspected.path("status");
    assertEquals("CONTAINER_RUNNING", status.path("state").asText());
    assertEquals(CritestRegistry.BUSYBOX, status.path("image").path("image").asText());
    assertTrue(status.path("imageRef").asText().startsWith("sha256:"), status.toString());
    assertEquals("web", status.path("labels").path("container").asText());
    assertEquals("kept", status.path("annotations").path("note").asText());
    assertEquals("/data", status.path("mounts").get(0).path("containerPath").asText());
    assertEquals(log.toString(), status.path("logPath").asText());
    assertTrue(status.path("startedAt").asText().startsWith("20"), status.toString());
    JsonNode info = inspected.path("info");
    assertTrue(info.path("pid").asInt() > 1, info.toString());
    assertEquals("/bin/sh", info.path("runtimeSpec").path("process").path("args").get(0).asText(), info.toString());

    // ps filters: label, state, pod, id prefix.
    assertEquals(id, skiffd.crictl("ps", "-q", "--no-trunc", "--label", "container=web").orThrow("ps").stdout().strip());
    assertEquals("", skiffd.crictl("ps", "-q", "--no-trunc", "--state", "exited", "--label", "container=web")
        .orThrow("ps").stdout().strip());
    assertEquals(id, skiffd.crictl("ps", "-q", "--no-trunc", "--pod", pod).orThrow("ps").stdout().strip());
    assertEquals(id, skiffd.crictl("ps", "-a", "-q", "--no-trunc", "--id", id.substring(0, 8)).orThrow("ps")
        .stdout().strip());

    // StopPodSandbox stops it; RemovePodSandbox removes it and everything it had.
    String bundle = info.path("bundle").asText();
    List<Path> cgroups = containerCgroups(info.path("cgroup").asText());
    assertTrue(cgroups.stream().allMatch(Files::isDirectory), cgroups.toString());
    skiffd.crictl("stopp", pod).orThrow("crictl stopp");
    assertEquals("CONTAINER_EXITED", inspect(skiffd, id).path("status").path("state").asText());
    skiffd.crictl("rmp", pod).orThrow("crictl rmp");
    assertEquals("", skiffd.crictl("ps", "-a", "-q").orThrow("ps -a").stdout().strip());
    assertFalse(Files.exists(Path.of(bundle)), "bundle " + bundle + " is left");
    assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(bundle), "rootfs mount is left");
    cgroups.forEach(dir -> assertFalse(Files.exists(dir), "cgroup " + dir + " is left"));
    assertEquals(0, countFiles(skiffd.stateDir().resolve("containers")));
    assertEquals(0, countFiles(skiffd.stateDir().resolve("container-layers")));
  }

  @Test
  void recursiveReadOnlyMountReachesSubmountsAndRefusesWhatCannotHoldIt() throws Exception {
    Path volume = Files.createDirectories(skiffd.dir().resolve("rro-volume"));
    Path submount = Files.createDirectories(volume.resolve("tmpfs"));
    Commands.run(List.of("mount", "-t", "tmpfs", "none", submount.toString())).orThrow("mount tmpfs");
    try {
      Path podConfig = PodConfigs.write(skiffd, "rro", "");
      String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
      // Plain readonly: the bind itself is read-only, the tmpfs below it is not (as runc/containerd).
      ObjectNode plain = busybox("plain", "sleep", "1000");
      plain.putArray("mounts").addObject().put("container_path", "/mnt").put("host_path", volume.toString())
          .put("readonly", true);
      String plainId = ContainerConfigsJson.run(skiffd, pod, podConfig, plain);
      awaitState(skiffd, plainId, "CONTAINER_RUNNING", 10);
      assertEquals("0", exec(skiffd, plainId, "sh", "-c", "touch /mnt/tmpfs/plain; echo $?").strip());
      // Recursive: the submount is read-only too.
      ObjectNode rro = busybox("rro", "sleep", "1000");
      rro.putArray("mounts").addObject().put("container_path", "/mnt").put("host_path", volume.toString())
          .put("readonly", true).put("recursive_read_only", true);
      String rroId = ContainerConfigsJson.run(skiffd, pod, podConfig, rro);
      awaitState(skiffd, rroId, "CONTAINER_RUNNING", 10);
      assertTrue(exec(skiffd, rroId, "sh", "-c", "touch /mnt/tmpfs/rro 2>&1; true").contains("Read-only file system"));
      assertFalse(Files.exists(submount.resolve("rro")));

      // Not read-only, or with propagation: INVALID_ARGUMENT naming the mount.
      for (var bad : List.of(new Object[] {false, 0, "readonly"}, new Object[] {true, 1, "PROPAGATION_HOST_TO_CONTAINER"},
          new Object[] {true, 2, "PROPAGATION_BIDIRECTIONAL"})) {
        ObjectNode config = busybox("bad-rro-" + bad[1], "sleep", "1000");
        config.putArray("mounts").addObject().put("container_path", "/mnt").put("host_path", volume.toString())
            .put("readonly", (Boolean) bad[0]).put("recursive_read_only", true).put("propagation", (Integer) bad[1]);
        Path file = Files.createTempFile(skiffd.dir(), "ctr-", ".json");
        Files.writeString(file, JSON.writeValueAsString(config));
        CommandResult refused = skiffd.crictl("create", pod, file.toString(), podConfig.toString());
        assertNotEquals(0, refused.exitCode(), refused.stdout());
        assertTrue(refused.stderr().contains("InvalidArgument") && refused.stderr().contains("/mnt")
            && refused.stderr().contains((String) bad[2]), refused.stderr());
      }
      skiffd.crictl("stopp", pod).orThrow("crictl stopp");
      skiffd.crictl("rmp", pod).orThrow("crictl rmp");
    } finally {
      Commands.run(List.of("umount", "-l", submount.toString()));
    }
  }

  @Test
  void statusReportsTheUserTheContainerRunsWith() throws Exception {
    Path podConfig = PodConfigs.write(skiffd, "users", "");
    String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
    ObjectNode config = busybox("strict", "sleep", "1000");
    ObjectNode security = (ObjectNode) config.path("linux").path("security_context");
    security.putObject("run_as_user").put("value", 1000);
    security.putArray("supplemental_groups").add(1234);
    security.put("supplemental_groups_policy", 1); // Strict
    String id = ContainerConfigsJson.run(skiffd, pod, podConfig, config);
    awaitState(skiffd, id, "CONTAINER_RUNNING", 10);
    JsonNode user = inspect(skiffd, id).path("status").path("user").path("linux");
    // busybox has no passwd entry for 1000: gid 0, which joins the supplementary groups.
    assertEquals(1000, user.path("uid").asLong(), user.toString());
    assertEquals(0, user.path("gid").asLong(), user.toString());
    List<Long> groups = new java.util.ArrayList<>();
    user.path("supplementalGroups").forEach(g -> groups.add(g.asLong()));
    assertEquals(List.of(0L, 1234L), groups.stream().sorted().toList(), user.toString());
    assertEquals("0 1234", exec(skiffd, id, "id", "-G").strip());
    skiffd.crictl("stopp", pod).orThrow("crictl stopp");
    skiffd.crictl("rmp", pod).orThrow("crictl rmp");
  }

  @Test
  void podPidNamespaceIsSharedByPodModeContainersOnly() throws Exception {
    Path podConfig = PodConfigs.write(skiffd, "share", "");
    String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
    ObjectNode first = busybox("first", "sleep", "1001");
    first.putObject("linux").putObject("security_context").putObject("namespace_options").put("pid", 0);
    String a = ContainerConfigsJson.run(skiffd, pod, podConfig, first);
    ObjectNode second = busybox("second", "sleep", "1002");
    second.putObject("linux").putObject("security_context").putObject("namespace_options").put("pid", 0);
    String b = ContainerConfigsJson.run(skiffd, pod, podConfig, second);
    ObjectNode own = busybox("own", "sleep", "1003");
    String c = ContainerConfigsJson.run(skiffd, pod, podConfig, own);
    String seenBySecond = exec(skiffd, b, "ps", "-o", "args");
    assertTrue(seenBySecond.contains("sleep 1001") && seenBySecond.contains("sleep 1002"), seenBySecond);
    String seenByOwn = exec(skiffd, c, "ps", "-o", "args");
    assertTrue(seenByOwn.contains("sleep 1003") && !seenByOwn.contains("sleep 1001"), seenByOwn);
    // PID 1 of the shared namespace is the pod's init, so the first container may go alone.
    assertEquals("skiff-pod-init", exec(skiffd, b, "cat", "/proc/1/comm").strip());
    Path initState = skiffd.runDir().resolve("pods").resolve(pod).resolve("pid-init");
    String initPid = Files.readString(initState).lines().filter(l -> l.startsWith("pid ")).findFirst()
        .orElseThrow().substring(4);
    skiffd.crictl("rm", "-f", a).orThrow("crictl rm -f first");
    assertEquals("CONTAINER_RUNNING", inspect(skiffd, b).path("status").path("state").asText());
    assertTrue(exec(skiffd, b, "ps", "-o", "args").contains("sleep 1002"));
    // Stopping the pod ends the init with its containers. The init, reparented to the host's
    // init, may stay a zombie until that reaps it: exited, its namespace emptied by the kernel.
    skiffd.crictl("stopp", pod).orThrow("crictl stopp");
    assertFalse(initRuns(initPid), "the pod init " + initPid + " outlived StopPodSandbox");
    assertFalse(Files.exists(initState));
    skiffd.crictl("rm", "-f", b, c).orThrow("crictl rm -f");
    skiffd.crictl("rmp", "-f", pod).orThrow("crictl rmp");
  }

  @Test
  void resourcesAreAppliedAndUpdatedLiveAndImageRemovalKeepsSnapshots() throws Exception {
    Path podConfig = PodConfigs.write(skiffd, "limits", "");
    String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
    ObjectNode config = busybox("limited", "sleep", "1000");
    ((ObjectNode) config.path("linux")).putObject("resources").put("memory_limit_in_bytes", 64L << 20)
        .put("cpu_shares", 512);
    String id = ContainerConfigsJson.run(skiffd, pod, podConfig, config);
    JsonNode info = inspect(skiffd, id).path("info");
    Path memory = containerCgroups(info.path("cgroup").asText()).stream()
        .filter(d -> Files.exists(d.resolve("memory.limit_in_bytes"))).findFirst().orElseThrow();
    assertEquals(64L << 20, Long.parseLong(Files.readString(memory.resolve("memory.limit_in_bytes")).strip()));

    skiffd.crictl("update", "--memory", Long.toString(96L << 20), id).orThrow("crictl update");
    assertEquals(96L << 20, Long.parseLong(Files.readString(memory.resolve("memory.limit_in_bytes")).strip()));
    assertEquals(96L << 20, inspect(skiffd, id).path("status").path("resources").path("linux")
        .path("memoryLimitInBytes").asLong());

    // The image goes; its snapshots stay while the container uses them.
    skiffd.crictl("rmi", CritestRegistry.BUSYBOX).orThrow("crictl rmi");
    for (JsonNode snapshot : info.path("snapshots")) {
      assertTrue(Files.isDirectory(Path.of(snapshot.asText())), "snapshot " + snapshot + " was deleted");
    }
    assertEquals("alive", exec(skiffd, id, "echo", "alive").strip());
    skiffd.crictl("rm", "-f", id).orThrow("crictl rm -f");
    skiffd.crictl("rmp", "-f", pod).orThrow("crictl rmp");
    skiffd.crictl("pull", CritestRegistry.BUSYBOX).orThrow("crictl pull busybox again");
  }

  /** The container's cgroup directory in each hierarchy (skiffd's root is below our own cgroups). */
  private static List<Path> containerCgroups(String relative) {
    return OwnCgroups.directories().stream().map(own -> own.resolve(skiffd.cgroupRoot()).resolve(relative)).toList();
  }

  private static long countFiles(Path dir) throws Exception {
    try (var files = Files.list(dir)) {
      return files.count();
    }
  }

  /** Whether pid is a skiff-pod-init that has not exited (a zombie has). */
  private static boolean initRuns(String pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String state = stat.substring(stat.lastIndexOf(')') + 2).split(" ")[0];
      return stat.contains("(skiff-pod-init)") && !state.equals("Z") && !state.equals("X");
    } catch (java.io.IOException e) {
      return false; // gone (or going: ESRCH while it is reaped)
    }
  }
}
