package dev.skiff.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one pod sandbox put on the machine, read from crictl inspectp, and the check that
 * all of it is gone: mounts, pinned namespace files, veth, nftables elements, cgroup
 * directories, IP reservation, record.
 */
public record PodSandboxLeaks(String id, String podDir, String netns, String ip, String hostVeth,
    List<String> cgroupDirectories) {

  public static PodSandboxLeaks inspect(SkiffdProcess skiffd, String id) throws IOException {
    String json = skiffd.crictl("inspectp", id).orThrow("crictl inspectp " + id).stdout();
    JsonNode info = new ObjectMapper().readTree(json).path("info");
    List<String> cgroups = new ArrayList<>();
    info.path("cgroupDirectories").forEach(dir -> cgroups.add(dir.asText()));
    String netns = info.path("netns").asText();
    return new PodSandboxLeaks(id, Path.of(netns).getParent().getParent().toString(), netns,
        info.path("ip").asText().replaceAll("/.*", ""), info.path("hostVeth").asText(), cgroups);
  }

  /** Asserts that every trace of the pod is gone. */
  public void assertNothingLeft(SkiffdProcess skiffd) throws IOException {
    String mounts = Files.readString(Path.of("/proc/self/mountinfo"));
    assertFalse(mounts.contains(podDir), "a mount below " + podDir + " is left");
    assertFalse(Files.exists(Path.of(netns)), "pinned namespace " + netns + " is left");
    assertFalse(Files.exists(Path.of(podDir)), "pod directory " + podDir + " is left");
    CommandResult link = skiffd.netns().exec("ip", "link", "show", "dev", hostVeth);
    assertTrue(!link.ok(), "veth " + hostVeth + " is left: " + link.stdout());
    String table = skiffd.netns().exec("nft", "list", "table", "ip", "skiff").orThrow("nft list table").stdout();
    assertFalse(table.contains(ip + " . "), "an nftables element for " + ip + " is left:\n" + table);
    for (String dir : cgroupDirectories) {
      assertFalse(Files.exists(Path.of(dir)), "cgroup " + dir + " is left");
    }
    assertFalse(Files.exists(skiffd.stateDir().resolve("network/ipam").resolve(ip)), "IP reservation " + ip + " is left");
    assertFalse(Files.exists(skiffd.stateDir().resolve("pods").resolve(id + ".json")), "record of " + id + " is left");
    assertEquals("", skiffd.crictl("pods", "-q", "--id", id).orThrow("crictl pods").stdout().strip());
  }
}
