package dev.skiff.server.it;

import static dev.skiff.server.it.ContainerConfigsJson.busybox;
import static dev.skiff.server.it.ContainerConfigsJson.exec;
import static dev.skiff.server.it.ContainerConfigsJson.securityContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Security boundaries at the CRI: the real skiffd in a private netns, crictl, the critest
 * busybox image, and a hostile image built here (absolute symlinks naming host directories,
 * and a relative one climbing far above the layer root: the image store keeps every target
 * as data, so the runtime must resolve them inside the rootfs).
 */
class SecurityIT {
  private static final String HOSTILE = "skiff/hostile:v1";
  private static PrivateNetns netns;
  private static CritestRegistry registry;
  private static LocalRegistry hostileRegistry;
  private static SkiffdProcess skiffd;
  private static Path hostTarget;

  @BeforeAll
  static void start() throws Exception {
    netns = PrivateNetns.create("sec");
    registry = CritestRegistry.start(netns, 5000);
    hostileRegistry = LocalRegistry.plainHttp(netns, 5001);
    skiffd = SkiffdProcess.startIn(netns, registry.mirrorToml()
        + "[image]\ninsecure_registries = [\"127.0.0.1:5001\"]\n");
    skiffd.crictl("pull", CritestRegistry.BUSYBOX).orThrow("crictl pull busybox");
    // A directory on the host that the hostile image's symlink names; another names "/".
    hostTarget = Files.createDirectories(skiffd.dir().resolve("host-target"));
    Files.writeString(hostTarget.resolve("marker"), "host\n");
    Path layout = skiffd.dir().resolve("hostile-layout");
    OciLayoutImage image = new OciLayoutImage();
    image.layer(OciLayoutImage.Compression.GZIP)
        .dir("bin", 0755).file("bin/busybox", Files.readAllBytes(Path.of("/bin/busybox")), 0755, 0, 0)
        .symlink("bin/sh", "busybox")
        .symlink("abs", hostTarget.toString())
        .symlink("up", "/")
        .symlink("climb", "../../../../../../../../..")
        .dir("tmp", 01777);
    image.write(layout, "{\"Cmd\": [\"/bin/sh\"]}");
    hostileRegistry.push(layout, HOSTILE, null);
    skiffd.crictl("pull", hostileRegistry.host() + "/" + HOSTILE).orThrow("crictl pull hostile");
  }

  @AfterAll
  static void stop() {
    if (skiffd != null) {
      skiffd.close();
    }
    if (hostileRegistry != null) {
      hostileRegistry.close();
    }
    if (registry != null) {
      registry.close();
    }
    netns.close();
  }

  private static String sleeper(String pod, Path podConfig, ObjectNode config) throws Exception {
    return ContainerConfigsJson.runRunning(skiffd, pod, podConfig, config);
  }

  private static String capEff(String statusText) {
    Matcher m = Pattern.compile("CapEff:\\s*([0-9a-f]+)").matcher(statusText);
    assertTrue(m.find(), statusText);
    return m.group(1);
  }

  @Test
  void defaultContainerHasContainerdsFourteenCapabilitiesAndPrivilegedHasAll() throws Exception {
    Path podConfig = PodConfigs.write(skiffd, "caps", "");
    String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
    String plain = sleeper(pod, podConfig, busybox("plain", "sleep", "1000"));
    // CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD
    // AUDIT_WRITE SETFCAP
    assertEquals("00000000a80425fb", capEff(exec(skiffd, plain, "cat", "/proc/1/status")));

    ObjectNode config = busybox("privileged", "sleep", "1000");
    securityContext(config).put("privileged", true);
    String privileged = sleeper(pod, podConfig, config);
    String ours = capEff(Files.readString(Path.of("/proc/self/status")));
    assertEquals(ours, capEff(exec(skiffd, privileged, "cat", "/proc/1/status")),
        "a privileged container holds every capability skiffd's host grants");
    assertNotEquals("00000000a80425fb", ours);
    skiffd.crictl("stopp", pod).orThrow("stopp");
    skiffd.crictl("rmp", pod).orThrow("rmp");
  }

  @Test
  void readOnlyRootfsRefusesWritesAndMaskedPathsAreMasked() throws Exception {
    Path podConfig = PodConfigs.write(skiffd, "rofs", "");
    String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
    ObjectNode config = busybox("ro", "sleep", "1000");
    securityContext(config).put("readonly_rootfs", true);
    String id = sleeper(pod, podConfig, config);
    CommandResult write = skiffd.crictl("exec", "-s", id, "sh", "-c", "echo x > /newfile");
    assertFalse(write.ok(), "a write to a read-only rootfs succeeded");
    assertTrue((write.stdout() + write.stderr()).contains("Read-only file system"), write.toString());
    assertFalse(skiffd.crictl("exec", "-s", id, "test", "-e", "/newfile").ok());
    // Masked: a file reads as /dev/null (and this kernel's /proc has the ones below), a
    // directory as an empty read-only tmpfs.
    for (String masked : List.of("/proc/timer_list")) {
      assertTrue(Files.readString(Path.of(masked)).length() > 0, masked + " is empty on the host too");
      assertEquals("0", exec(skiffd, id, "sh", "-c", "cat " + masked + " | wc -c").strip(), masked);
    }
    assertEquals("", exec(skiffd, id, "ls", "-A", "/sys/firmware").strip());
    assertFalse(skiffd.crictl("exec", "-s", id, "sh", "-c", "echo x > /proc/sysrq-trigger").ok(),
        "/proc/sysrq-trigger is read-only");
    skiffd.crictl("stopp", pod).orThrow("stopp");
    skiffd.crictl("rmp", pod).orThrow("rmp");
  }

  @Test
  void runtimeDefaultSeccompBlocksWhatTheProfileDeniesAndUnconfinedDoesNot() throws Exception {
    Path podConfig = PodConfigs.write(skiffd, "seccomp", "");
    String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
    ObjectNode confined = busybox("confined", "sleep", "1000");
    securityContext(confined).putObject("seccomp").put("profile_type", 0);
    String confinedId = sleeper(pod, podConfig, confined);
    ObjectNode unconfined = busybox("unconfined", "sleep", "1000");
    securityContext(unconfined).putObject("seccomp").put("profile_type", 1);
    String unconfinedId = sleeper(pod, podConfig, unconfined);

    assertTrue(exec(skiffd, confinedId, "grep", "Seccomp:", "/proc/1/status").contains("2"), "filter mode");
    assertTrue(exec(skiffd, confinedId, "grep", "Seccomp:", "/proc/self/status").contains("2"), "exec is filtered");
    // A new user namespace: allowed to root without capabilities by the kernel, denied by the profile.
    CommandResult denied = skiffd.crictl("exec", "-s", confinedId, "unshare", "-U", "true");
    assertFalse(denied.ok(), denied.toString());
    assertTrue((denied.stdout() + denied.stderr()).contains("Operation not permitted"), denied.toString());
    assertTrue(exec(skiffd, unconfinedId, "grep", "Seccomp:", "/proc/1/status").contains("0"));
    skiffd.crictl("exec", "-s", unconfinedId, "unshare", "-U", "true").orThrow("unshare -U unconfined");
    skiffd.crictl("stopp", pod).orThrow("stopp");
    skiffd.crictl("rmp", pod).orThrow("rmp");
  }

  @Test
  void localhostProfileIsAppliedAndAMissingOneIsNamed() throws Exception {
    Path profile = skiffd.dir().resolve("block-chmod.json");
    Files.writeString(profile, """
        {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["chmod", "fchmodat", "fchmodat2"],
         "action": "SCMP_ACT_ERRNO"}]}""");
    Path podConfig = PodConfigs.write(skiffd, "localhost", "");
    String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
    ObjectNode config = busybox("chmod-blocked", "sleep", "1000");
    securityContext(config).putObject("seccomp").put("profile_type", 2).put("localhost_ref", profile.toString());
    String id = sleeper(pod, podConfig, config);
    CommandResult chmod = skiffd.crictl("exec", "-s", id, "chmod", "400", "/tmp");
    assertFalse(chmod.ok(), chmod.toString());
    assertTrue((chmod.stdout() + chmod.stderr()).contains("Operation not permitted"), chmod.toString());

    Path missing = skiffd.dir().resolve("no-such-profile.json");
    ObjectNode bad = busybox("missing-profile", "sleep", "1000");
    securityContext(bad).put("seccomp_profile_path", "localhost/" + missing);
    Path file = Files.createTempFile(skiffd.dir(), "ctr-", ".json");
    Files.writeString(file, ContainerConfigsJson.JSON.writeValueAsString(bad));
    CommandResult create = skiffd.crictl("create", pod, file.toString(), podConfig.toString());
    assertFalse(create.ok());
    assertTrue(create.stderr().contains("NotFound") && create.stderr().contains(missing.toString()),
        create.stderr());
    assertTrue(skiffd.crictl("ps", "-a", "--name", "missing-profile", "-q").orThrow("ps").stdout().isBlank(),
        "a failed create leaves no container");
    skiffd.crictl("stopp", pod).orThrow("stopp");
    skiffd.crictl("rmp", pod).orThrow("rmp");
  }

  @Test
  void hostileImageSymlinksCannotRedirectMountsOutOfTheRootfs() throws Exception {
    Path source = Files.createDirectories(skiffd.dir().resolve("mount-source"));
    Path podConfig = PodConfigs.write(skiffd, "hostile", "");
    String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
    ObjectNode config = busybox("hostile", "/bin/busybox", "sleep", "1000");
    config.putObject("image").put("image", hostileRegistry.host() + "/" + HOSTILE);
    var mounts = config.putArray("mounts");
    mounts.addObject().put("container_path", "/abs/data").put("host_path", source.toString());
    mounts.addObject().put("container_path", "/up" + hostTarget + "/more").put("host_path", source.toString());
    mounts.addObject().put("container_path", "/climb" + hostTarget + "/third").put("host_path", source.toString());
    String id = sleeper(pod, podConfig, config);
    exec(skiffd, id, "/bin/busybox", "sh", "-c", "echo from-container > /abs/data/written");

    assertEquals("from-container\n", Files.readString(source.resolve("written")), "the mount landed");
    assertEquals(List.of("marker"), Files.list(hostTarget).map(p -> p.getFileName().toString()).toList(),
        "nothing was created in the host directory the symlinks name");
    assertEquals("host\n", Files.readString(hostTarget.resolve("marker")));
    // Inside, the symlinks resolve within the rootfs: the mounts sit at rootfs/<hostTarget>/{data,more}.
    assertEquals("from-container", exec(skiffd, id, "/bin/busybox", "cat", hostTarget + "/more/written").strip());
    assertEquals("from-container", exec(skiffd, id, "/bin/busybox", "cat", hostTarget + "/third/written").strip());
    skiffd.crictl("stopp", pod).orThrow("stopp");
    skiffd.crictl("rmp", pod).orThrow("rmp");
  }
}
