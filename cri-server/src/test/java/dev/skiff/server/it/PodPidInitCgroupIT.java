package dev.skiff.server.it;

import static dev.skiff.server.it.ContainerConfigsJson.awaitState;
import static dev.skiff.server.it.ContainerConfigsJson.busybox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The init of a pod's shared PID namespace (skiff-shim pod-init, pid = POD) runs in the pod's
 * cgroup, in a leaf of its own, in every hierarchy (all v1 ones and the cgroup2 tree here):
 * never in skiffd's. StopPodSandbox kills it and removes that leaf.
 */
class PodPidInitCgroupIT {
  @Test
  void podInitLivesInThePodsCgroupInEveryHierarchy() throws Exception {
    try (BusyboxSkiffd env = BusyboxSkiffd.start("podinit", "")) {
      SkiffdProcess skiffd = env.skiffd();
      Path podConfig = PodConfigs.write(skiffd, "shared", "");
      String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
      ObjectNode config = busybox("sharer", "sleep", "3600");
      ((ObjectNode) config.path("linux").path("security_context").path("namespace_options")).put("pid", 0);
      String container = ContainerConfigsJson.run(skiffd, pod, podConfig, config);
      awaitState(skiffd, container, "CONTAINER_RUNNING", 10);

      JsonNode info = new ObjectMapper().readTree(skiffd.crictl("inspectp", pod).orThrow("crictl inspectp").stdout())
          .path("info");
      List<Path> podCgroups = new ArrayList<>();
      info.path("cgroupDirectories").forEach(dir -> podCgroups.add(Path.of(dir.asText())));
      assertTrue(podCgroups.size() > 1, "the pod has a cgroup in every hierarchy: " + info);

      long init = initPid(skiffd.runDir().resolve("pods").resolve(pod).resolve("pid-init"));
      List<String> memberships = Files.readAllLines(Path.of("/proc/" + init + "/cgroup"));
      assertEquals(podCgroups.size(), memberships.size(), "one line per hierarchy: " + memberships);
      for (String line : memberships) {
        assertTrue(line.endsWith("/pod-" + pod + "/pod-init"), "pod-init's cgroup " + line + " is not its leaf of pod "
            + pod + "'s cgroup; all: " + memberships);
      }
      for (Path dir : podCgroups) {
        List<String> procs = Files.readAllLines(dir.resolve("pod-init/cgroup.procs"));
        assertTrue(procs.contains(Long.toString(init)), dir + "/pod-init/cgroup.procs lacks " + init + ": " + procs);
      }
      List<String> skiffdCgroups = Files.readAllLines(Path.of("/proc/" + skiffd.pid() + "/cgroup"));
      for (String line : memberships) {
        assertFalse(skiffdCgroups.contains(line), "pod-init shares skiffd's cgroup " + line);
      }

      skiffd.crictl("stopp", pod).orThrow("crictl stopp");
      // Exited: gone, or a zombie until the host's init (its parent by now) reaps it, which may be late.
      assertFalse(running(init), "pod-init " + init + " outlived StopPodSandbox");
      for (Path dir : podCgroups) {
        assertFalse(Files.exists(dir.resolve("pod-init")), "cgroup " + dir + "/pod-init outlived StopPodSandbox");
      }
      skiffd.crictl("rmp", pod).orThrow("crictl rmp");
      for (Path dir : podCgroups) {
        assertFalse(Files.exists(dir), "cgroup " + dir + " outlived RemovePodSandbox");
      }
    }
  }

  private static boolean running(long pid) throws Exception {
    Path stat = Path.of("/proc/" + pid + "/stat");
    if (!Files.exists(stat)) {
      return false;
    }
    String state;
    try {
      String text = Files.readString(stat);
      state = text.substring(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3);
    } catch (java.io.IOException reapedMeanwhile) {
      return false;
    }
    return !state.equals("Z") && !state.equals("X");
  }

  private static long initPid(Path stateFile) throws Exception {
    for (String line : Files.readAllLines(stateFile)) {
      if (line.startsWith("pid ")) {
        return Long.parseLong(line.substring(4).strip());
      }
    }
    throw new AssertionError("no pid in " + stateFile + ": " + Files.readString(stateFile));
  }
}
