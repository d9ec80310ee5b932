package dev.skiff.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.runtime.linux.Mounts;
import dev.skiff.runtime.userns.IdMapping;
import dev.skiff.runtime.userns.PodUserNamespace;
import dev.skiff.runtime.userns.UserNamespaceHolder;
import dev.skiff.runtime.userns.UserNamespaceMappings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real kernel, root only: which binds of a container are idmapped (pod files and CRI mounts of a
 * pod with its own user namespace, not /dev/shm), what config.json and the launch plan say of
 * them, and the refusals: foreign per-mount mappings, and a source filesystem that cannot be
 * idmapped. The pod's user namespace (0 -> 400000) is pinned under a temp dir.
 */
class IdmappedBindMountsTest {
  private static final UserNamespaceMappings MAPPINGS =
      new UserNamespaceMappings(new IdMapping(0, 400000, 65536), new IdMapping(0, 500000, 65536));

  @TempDir
  Path tmp;
  private PodUserNamespace userns;

  @BeforeEach
  void pinUserNamespace() throws Exception {
    Path pinned = Files.createFile(tmp.resolve("user"));
    try (UserNamespaceHolder holder = UserNamespaceHolder.start(ShimBinary.locate(), MAPPINGS, List.of())) {
      Mounts.bind(holder.namespacePath("user"), pinned.toString());
    }
    userns = new PodUserNamespace(pinned.toString(), MAPPINGS);
  }

  @AfterEach
  void unpin() throws Exception {
    Mounts.unmount(tmp.resolve("user").toString(), Mounts.MNT_DETACH);
  }

  private ContainerSpec spec(PodUserNamespace user, List<MountRequest> mounts) throws Exception {
    Path pod = Files.createDirectories(tmp.resolve("pod"));
    String hosts = Files.writeString(pod.resolve("hosts"), "127.0.0.1 localhost\n").toString();
    String shm = Files.createDirectories(pod.resolve("shm")).toString();
    return new ContainerSpec("c1", ProcessRequest.of(List.of("/bin/sh"), List.of()),
        new ImageDefaults(List.of(), List.of(), List.of("PATH=/bin"), "/", null, null), mounts, List.of(),
        SecurityRequest.defaults(), new NamespacePaths("", "", "", NamespacePaths.PidMode.CONTAINER, null, user),
        new PodFiles("web-0", hosts, null, null, shm), List.of(), null, List.of(), null, Map.of(), null);
  }

  private RuntimeSpec build(ContainerSpec spec) throws Exception {
    Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
    return RuntimeSpecBuilder.build(spec, rootfs, Set.copyOf(Capabilities.NAMES));
  }

  private static OciMount at(RuntimeSpec spec, String destination) {
    return spec.mounts().stream().filter(m -> m.destination().equals(destination)).findFirst().orElseThrow();
  }

  @Test
  void podFilesAndVolumesOfAUserNamespacedPodAreIdmappedThroughIt() throws Exception {
    Path volume = Files.createDirectories(tmp.resolve("volume"));
    RuntimeSpec spec = build(spec(userns, List.of(
        MountRequest.bind(volume.toString(), "/data", false),
        new MountRequest("/kubelet", volume.toString(), true, false, MountRequest.Propagation.PRIVATE, MAPPINGS))));

    assertEquals(new MountIdmap(userns.path(), MAPPINGS), at(spec, "/etc/hosts").idmap());
    assertEquals(new MountIdmap(userns.path(), MAPPINGS), at(spec, "/data").idmap());
    assertEquals(new MountIdmap(userns.path(), MAPPINGS), at(spec, "/kubelet").idmap());
    assertNull(at(spec, "/dev/shm").idmap(), "/dev/shm is the pod's empty tmpfs, left as containerd leaves it");

    List<String> plan = LaunchPlanWriter.toText(spec).lines().toList();
    int data = plan.indexOf(plan.stream().filter(l -> l.startsWith("mount\t/data\t")).findFirst().orElseThrow());
    assertEquals("mount_idmap\t" + userns.path(), plan.get(data + 1), "the idmap line follows its mount");
    int shm = plan.indexOf(plan.stream().filter(l -> l.startsWith("mount\t/dev/shm\t")).findFirst().orElseThrow());
    assertTrue(!plan.get(shm + 1).startsWith("mount_idmap"), plan.get(shm + 1));

    JsonNode config = new ObjectMapper().readTree(OciConfigWriter.toJson(spec));
    for (JsonNode m : config.get("mounts")) {
      if (m.get("destination").asText().equals("/kubelet")) {
        assertEquals("[\"rbind\",\"rprivate\",\"ro\",\"ridmap\"]", m.get("options").toString());
        assertEquals(400000, m.at("/uidMappings/0/hostID").asLong());
        assertEquals(500000, m.at("/gidMappings/0/hostID").asLong());
        assertEquals(65536, m.at("/gidMappings/0/size").asLong());
      }
      if (m.get("destination").asText().equals("/dev/shm")) {
        assertTrue(m.get("uidMappings") == null, m.toString());
      }
    }
  }

  @Test
  void aPodWithoutUserNamespaceIdmapsNothing() throws Exception {
    Path volume = Files.createDirectories(tmp.resolve("volume"));
    RuntimeSpec spec = build(spec(null, List.of(MountRequest.bind(volume.toString(), "/data", false))));
    assertTrue(spec.mounts().stream().allMatch(m -> m.idmap() == null));
    assertTrue(LaunchPlanWriter.toText(spec).lines().noneMatch(l -> l.startsWith("mount_idmap")));
  }

  @Test
  void perMountMappingsMustBeThePodsAndNeedAPodUserNamespace() throws Exception {
    Path volume = Files.createDirectories(tmp.resolve("volume"));
    UserNamespaceMappings other =
        new UserNamespaceMappings(new IdMapping(0, 700000, 65536), new IdMapping(0, 700000, 65536));
    List<MountRequest> foreign = List.of(
        new MountRequest("/data", volume.toString(), false, false, MountRequest.Propagation.PRIVATE, other));
    ContainerException e = assertThrows(ContainerException.class, () -> build(spec(userns, foreign)));
    assertEquals(ContainerException.Kind.INVALID, e.kind());
    assertTrue(e.getMessage().contains("/data") && e.getMessage().contains("0:700000:65536"), e.getMessage());

    List<MountRequest> withoutPodUserns = List.of(
        new MountRequest("/data", volume.toString(), false, false, MountRequest.Propagation.PRIVATE, MAPPINGS));
    e = assertThrows(ContainerException.class, () -> build(spec(null, withoutPodUserns)));
    assertEquals(ContainerException.Kind.INVALID, e.kind());
    assertTrue(e.getMessage().contains("/data") && e.getMessage().contains("userns_options"), e.getMessage());
  }

  @Test
  void aSourceWhoseFilesystemCannotBeIdmappedFailsNamingMountAndFilesystem() throws Exception {
    // sysfs has no idmapped mounts.
    List<MountRequest> sysfs = List.of(MountRequest.bind("/sys/kernel", "/host-kernel", true));
    ContainerException e = assertThrows(ContainerException.class, () -> build(spec(userns, sysfs)));
    assertEquals(ContainerException.Kind.PRECONDITION, e.kind());
    assertTrue(e.getMessage().contains("/host-kernel") && e.getMessage().contains("/sys/kernel")
        && e.getMessage().contains("sysfs") && e.getMessage().contains("idmapped"), e.getMessage());
    // The same bind in a pod without a user namespace is fine.
    assertNull(at(build(spec(null, sysfs)), "/host-kernel").idmap());
  }
}
