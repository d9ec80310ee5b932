package dev.skiff.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeSpecWritersTest {
  private static final Set<String> ALL_BUT_SYS_RESOURCE = allBut("CAP_SYS_RESOURCE");
  @TempDir Path rootfs;

  private static Set<String> allBut(String name) {
    Set<String> all = new TreeSet<>(Capabilities.NAMES);
    all.remove(name);
    return all;
  }

  private ContainerSpec spec(SecurityRequest security, List<MountRequest> mounts) {
    return new ContainerSpec("c1", ProcessRequest.of(List.of("/bin/sh"), List.of("-c", "echo\ta\\b")),
        new ImageDefaults(List.of(), List.of(), List.of("PATH=/bin"), "/work", null, null), mounts, List.of(),
        security, new NamespacePaths("/run/netns/p", "/run/ipc/p", "", NamespacePaths.PidMode.CONTAINER, null, null),
        new PodFiles("web-0", null, null, null, null), List.of(Path.of("/sys/fs/cgroup/unified/x")), null,
        List.of(new Rlimit("RLIMIT_NOFILE", 1024, 4096)), -999L, Map.of("net.ipv4.ip_forward", "1"),
        Path.of("/var/log/pods/c1.log"));
  }

  private JsonNode json(RuntimeSpec spec) throws Exception {
    return new ObjectMapper().readTree(OciConfigWriter.toJson(spec));
  }

  @Test
  void defaultContainerGetsFourteenCapabilitiesAndDefaultPaths() throws Exception {
    RuntimeSpec spec = RuntimeSpecBuilder.build(spec(SecurityRequest.defaults(), List.of()), rootfs,
        ALL_BUT_SYS_RESOURCE);
    assertEquals(14, spec.capabilities().size());
    assertEquals(0xa80425fbL, Capabilities.mask(spec.capabilities()));
    JsonNode config = json(spec);
    assertEquals("1.1.0", config.get("ociVersion").asText());
    assertEquals(14, config.at("/process/capabilities/effective").size());
    assertEquals(0, config.at("/process/capabilities/inheritable").size());
    assertEquals(DefaultPaths.MASKED.size(), config.at("/linux/maskedPaths").size());
    assertEquals("/proc/sys", config.at("/linux/readonlyPaths/3").asText());
    assertEquals("/work", config.at("/process/cwd").asText());
    assertEquals("HOSTNAME=web-0", config.at("/process/env/1").asText());
    assertEquals("web-0", config.at("/hostname").asText());
    assertEquals("rootfs", config.at("/root/path").asText());
    assertEquals(-999, config.at("/process/oomScoreAdj").asInt());
    List<String> nsTypes = new ArrayList<>();
    config.at("/linux/namespaces").forEach(n -> nsTypes.add(n.get("type").asText()
        + (n.has("path") ? "=" + n.get("path").asText() : "")));
    assertEquals(List.of("pid", "network=/run/netns/p", "ipc=/run/ipc/p", "uts", "mount", "cgroup"), nsTypes);
    assertEquals("/x", config.at("/linux/cgroupsPath").asText());
    assertEquals("ro", config.at("/mounts/5/options/3").asText(), "sysfs is read-only");
  }

  @Test
  void deviceAllowlistAndCgroupMountReachConfigAndPlan() throws Exception {
    ContainerSpec base = spec(SecurityRequest.defaults(), List.of());
    ContainerSpec withDevice = new ContainerSpec(base.id(), base.process(), base.image(), base.mounts(),
        List.of(new DeviceRequest("/dev/mydev", "/dev/null", "r")), base.security(), base.namespaces(), base.pod(),
        base.cgroupDirs(), base.oomCounter(), base.rlimits(), base.oomScoreAdj(), base.sysctls(), base.logPath());
    RuntimeSpec spec = RuntimeSpecBuilder.build(withDevice, rootfs, ALL_BUT_SYS_RESOURCE);
    assertEquals(dev.skiff.runtime.cgroup.DeviceRule.deny(), spec.deviceRules().get(0));
    assertEquals(dev.skiff.runtime.cgroup.DeviceRule.allow('c', 1, 3, "r"),
        spec.deviceRules().get(spec.deviceRules().size() - 1), "the CRI device with its permissions, last");
    JsonNode config = json(spec);
    JsonNode rules = config.at("/linux/resources/devices");
    assertEquals(spec.deviceRules().size(), rules.size());
    assertFalse(rules.get(0).get("allow").asBoolean());
    assertEquals("rwm", rules.get(0).get("access").asText());
    assertFalse(rules.get(0).has("type"), "deny-all names no type, as runc writes it");
    assertEquals("r", rules.get(rules.size() - 1).get("access").asText());
    assertEquals("/dev/mydev", config.at("/linux/devices/0/path").asText());
    JsonNode cgroupMount = config.at("/mounts/6");
    assertEquals("/sys/fs/cgroup", cgroupMount.get("destination").asText());
    assertEquals("cgroup", cgroupMount.get("type").asText());
    assertEquals("ro", cgroupMount.at("/options/4").asText());
    List<String> plan = List.of(LaunchPlanWriter.toText(spec).split("\n"));
    assertTrue(plan.contains("namespace\tcgroup\t"), plan.toString());
    assertTrue(plan.stream().anyMatch(l -> l.startsWith("cgroupfs\t")), plan.toString());
    assertFalse(plan.stream().anyMatch(l -> l.startsWith("mount\t/sys/fs/cgroup")), "not one mount(2): " + plan);
    assertTrue(plan.contains("device\t/dev/mydev\tc\t1\t3\t0666\t0\t0"), plan.toString());
    DeviceRequest bad = new DeviceRequest("/dev/x", "/dev/null", "rx");
    ContainerSpec badSpec = new ContainerSpec(base.id(), base.process(), base.image(), base.mounts(), List.of(bad),
        base.security(), base.namespaces(), base.pod(), base.cgroupDirs(), base.oomCounter(), base.rlimits(),
        base.oomScoreAdj(), base.sysctls(), base.logPath());
    ContainerException e = assertThrows(ContainerException.class,
        () -> RuntimeSpecBuilder.build(badSpec, rootfs, ALL_BUT_SYS_RESOURCE));
    assertTrue(e.getMessage().contains("/dev/null") && e.getMessage().contains("rx"), e.getMessage());
  }

  @Test
  void privilegedGetsHostDevicesAllowedAndAWritableCgroupMount() throws Exception {
    SecurityRequest privileged = new SecurityRequest(null, null, null, true, false, false, null, null);
    RuntimeSpec spec = RuntimeSpecBuilder.build(spec(privileged, List.of()), rootfs, ALL_BUT_SYS_RESOURCE);
    assertEquals(List.of(dev.skiff.runtime.cgroup.DeviceRule.allowAll()), spec.deviceRules());
    List<String> paths = spec.extraDevices().stream().map(DeviceNode::path).toList();
    assertTrue(paths.contains("/dev/null"), paths.toString());
    assertFalse(paths.stream().anyMatch(p -> p.startsWith("/dev/pts/") || p.equals("/dev/console")
        || p.equals("/dev/ptmx")), paths.toString());
    assertEquals("rw", json(spec).at("/mounts/6/options/4").asText());
  }

  @Test
  void ttyAndStdinReachConfigAndPlan() throws Exception {
    ContainerSpec base = spec(SecurityRequest.defaults(), List.of());
    ProcessRequest interactive = new ProcessRequest(List.of("sh"), null, null, null, null, null, null, null, null, true,
        true, true);
    ContainerSpec withStdio = new ContainerSpec(base.id(), interactive, base.image(), base.mounts(), base.devices(),
        base.security(), base.namespaces(), base.pod(), base.cgroupDirs(), base.oomCounter(), base.rlimits(),
        base.oomScoreAdj(), base.sysctls(), base.logPath());
    RuntimeSpec spec = RuntimeSpecBuilder.build(withStdio, rootfs, ALL_BUT_SYS_RESOURCE);
    assertTrue(json(spec).at("/process/terminal").asBoolean());
    List<String> plan = List.of(LaunchPlanWriter.toText(spec).split("\n"));
    assertTrue(plan.containsAll(List.of("terminal", "stdin", "stdin_once")), plan.toString());
    String plain = LaunchPlanWriter.toText(RuntimeSpecBuilder.build(base, rootfs, ALL_BUT_SYS_RESOURCE));
    assertFalse(plain.contains("terminal") || plain.contains("stdin"), plain);
  }

  @Test
  void privilegedGetsEveryHostCapabilityAndNoMaskedPaths() throws Exception {
    SecurityRequest privileged = new SecurityRequest(null, null, null, true, false, false, null, null);
    RuntimeSpec spec = RuntimeSpecBuilder.build(spec(privileged, List.of()), rootfs, ALL_BUT_SYS_RESOURCE);
    assertEquals(ALL_BUT_SYS_RESOURCE, spec.capabilities());
    assertTrue(spec.maskedPaths().isEmpty());
    assertTrue(spec.readonlyPaths().isEmpty());
  }

  @Test
  void addAndDropIncludingAll() throws Exception {
    SecurityRequest addDrop = new SecurityRequest(List.of("NET_ADMIN", "sys_time"), List.of("CAP_KILL", "MKNOD"),
        null, false, false, false, null, null);
    Set<String> caps = RuntimeSpecBuilder.build(spec(addDrop, List.of()), rootfs, ALL_BUT_SYS_RESOURCE).capabilities();
    assertTrue(caps.contains("CAP_NET_ADMIN") && caps.contains("CAP_SYS_TIME"));
    assertFalse(caps.contains("CAP_KILL") || caps.contains("CAP_MKNOD"));
    assertEquals(14, caps.size());
    SecurityRequest dropAll = new SecurityRequest(List.of("CHOWN"), List.of("ALL"), null, false, false, false, null,
        null);
    assertEquals(Set.of("CAP_CHOWN"),
        RuntimeSpecBuilder.build(spec(dropAll, List.of()), rootfs, ALL_BUT_SYS_RESOURCE).capabilities());
    SecurityRequest addAll = new SecurityRequest(List.of("ALL"), List.of("NET_RAW"), null, false, false, false, null,
        null);
    Set<String> all = RuntimeSpecBuilder.build(spec(addAll, List.of()), rootfs, ALL_BUT_SYS_RESOURCE).capabilities();
    assertEquals(ALL_BUT_SYS_RESOURCE.size() - 1, all.size());
    SecurityRequest unknown = new SecurityRequest(List.of("CAP_FLY"), null, null, false, false, false, null, null);
    assertThrows(ContainerException.class, () -> RuntimeSpecBuilder.build(spec(unknown, List.of()), rootfs,
        ALL_BUT_SYS_RESOURCE));
  }

  @Test
  void criMountsReplaceDefaultsSortParentsFirstAndRefuseMissingHostPaths(@TempDir Path host) throws Exception {
    Files.createDirectories(host.resolve("a"));
    List<MountRequest> mounts = List.of(
        new MountRequest("/data/logs", host.resolve("a").toString(), true, false,
            MountRequest.Propagation.HOST_TO_CONTAINER),
        MountRequest.bind(host.toString(), "/data", false),
        MountRequest.bind(host.toString(), "/dev/shm", false));
    RuntimeSpec spec = RuntimeSpecBuilder.build(spec(SecurityRequest.defaults(), mounts), rootfs,
        ALL_BUT_SYS_RESOURCE);
    List<String> dests = spec.mounts().stream().map(OciMount::destination).toList();
    assertEquals(List.of("/proc", "/dev", "/dev/pts", "/dev/mqueue", "/sys", "/sys/fs/cgroup", "/data", "/data/logs",
        "/dev/shm"), dests);
    assertEquals(List.of("rbind", "rslave", "ro"), spec.mounts().get(7).options());
    MountOptions options = MountOptions.parse(spec.mounts().get(7).options());
    assertEquals(MountOptions.MS_BIND | MountOptions.MS_REC | MountOptions.MS_RDONLY, options.flags());
    assertEquals(MountOptions.MS_SLAVE | MountOptions.MS_REC, options.propagation());
    List<MountRequest> missing = List.of(MountRequest.bind("/nonexistent/skiff", "/x", false));
    ContainerException e = assertThrows(ContainerException.class,
        () -> RuntimeSpecBuilder.build(spec(SecurityRequest.defaults(), missing), rootfs, ALL_BUT_SYS_RESOURCE));
    assertTrue(e.getMessage().contains("/nonexistent/skiff"));
  }

  @Test
  void launchPlanEscapesAndCarriesNumbers() throws Exception {
    String plan = LaunchPlanWriter.toText(RuntimeSpecBuilder.build(spec(SecurityRequest.defaults(), List.of()), rootfs,
        ALL_BUT_SYS_RESOURCE));
    List<String> lines = plan.lines().toList();
    assertEquals(LaunchPlanWriter.HEADER, lines.get(0));
    assertTrue(lines.contains("arg\techo\\ta\\\\b"), plan);
    assertTrue(lines.contains("caps\teffective\t0xa80425fb"), plan);
    assertTrue(lines.contains("namespace\tnet\t/run/netns/p"), plan);
    assertTrue(lines.contains("namespace\tuts\t"), plan);
    assertTrue(lines.contains("hostname\tweb-0"), plan);
    assertTrue(lines.contains("mount\t/proc\tproc\tproc\t0xe\t0x0\t0\t"), plan);
    assertTrue(lines.contains("device\t/dev/null\tc\t1\t3\t0666\t0\t0"), plan);
    assertTrue(lines.contains("rlimit\tRLIMIT_NOFILE\t1024\t4096"), plan);
    assertTrue(lines.contains("oom_score_adj\t-999"), plan);
    assertTrue(lines.contains("sysctl\tnet.ipv4.ip_forward\t1"), plan);
  }
}
