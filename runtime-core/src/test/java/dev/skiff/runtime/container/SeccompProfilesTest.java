package dev.skiff.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeccompProfilesTest {
  private static final SeccompProfileReader.Target X86_64_DEFAULT_CAPS =
      new SeccompProfileReader.Target(Capabilities.DEFAULT, "SCMP_ARCH_X86_64", new int[] {6, 1});
  @TempDir Path dir;

  private static SeccompProfile runtimeDefault(SeccompProfileReader.Target target) throws ContainerException {
    return SeccompProfileReader.read(SeccompProfiles.runtimeDefaultJson(), "RuntimeDefault", target);
  }

  private static List<SeccompProfile.Rule> rulesFor(SeccompProfile profile, String syscall) {
    return profile.rules().stream().filter(r -> r.syscall().equals(syscall)).toList();
  }

  @Test
  void runtimeDefaultDeniesWithEpermAndAllowsTheUsualSyscalls() throws Exception {
    SeccompProfile profile = runtimeDefault(X86_64_DEFAULT_CAPS);
    assertEquals(SeccompAction.ERRNO, profile.defaultAction());
    assertEquals(1, profile.defaultValue());
    assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"), profile.architectures());
    for (String allowed : List.of("read", "execve", "openat", "capset", "setresuid", "prctl", "ptrace")) {
      assertEquals(SeccompAction.ALLOW, rulesFor(profile, allowed).get(0).action(), allowed);
    }
    for (String denied : List.of("keyctl", "add_key", "request_key", "mount", "umount2", "reboot", "swapon",
        "kexec_load", "open_by_handle_at", "init_module", "sethostname", "setns")) {
      assertTrue(rulesFor(profile, denied).isEmpty(), denied + " must fall to the default EPERM");
    }
  }

  @Test
  void withoutSysAdminCloneAndUnshareMayNotCreateNamespacesAndClone3FallsBack() throws Exception {
    SeccompProfile profile = runtimeDefault(X86_64_DEFAULT_CAPS);
    SeccompProfile.Rule clone = rulesFor(profile, "clone").get(0);
    assertEquals(List.of(new SeccompProfile.Arg(0, "MASKED_EQ", 0x7E020000L, 0)), clone.args());
    SeccompProfile.Rule unshare = rulesFor(profile, "unshare").get(0);
    assertEquals(List.of(new SeccompProfile.Arg(0, "MASKED_EQ", 0x10000000L, 0)), unshare.args());
    assertEquals(new SeccompProfile.Rule("clone3", SeccompAction.ERRNO, 38, List.of()), rulesFor(profile, "clone3").get(0));
  }

  @Test
  void capabilitiesUnlockTheirSyscalls() throws Exception {
    var caps = new java.util.HashSet<>(Capabilities.DEFAULT);
    caps.addAll(Set.of("CAP_SYS_ADMIN", "CAP_SYS_BOOT"));
    SeccompProfile profile = runtimeDefault(new SeccompProfileReader.Target(caps, "SCMP_ARCH_X86_64", new int[] {6, 1}));
    assertEquals(List.of(), rulesFor(profile, "clone").get(0).args(), "unrestricted clone with CAP_SYS_ADMIN");
    assertEquals(SeccompAction.ALLOW, rulesFor(profile, "clone3").get(0).action());
    assertEquals(1, rulesFor(profile, "mount").size());
    assertEquals(1, rulesFor(profile, "reboot").size());
  }

  @Test
  void minKernelAndArchesDecide() throws Exception {
    SeccompProfile old = runtimeDefault(new SeccompProfileReader.Target(Capabilities.DEFAULT, "SCMP_ARCH_AARCH64",
        new int[] {4, 4}));
    assertTrue(rulesFor(old, "ptrace").isEmpty(), "ptrace needs 4.8 without CAP_SYS_PTRACE");
    assertTrue(rulesFor(old, "modify_ldt").isEmpty(), "modify_ldt is x86 only");
    assertEquals(List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"), old.architectures());
  }

  @Test
  void localhostProfileIsReadAndWrittenIntoThePlanAndConfig() throws Exception {
    Path file = dir.resolve("block.json");
    Files.writeString(file, """
        {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
         "syscalls": [{"names": ["chmod", "fchmodat"], "action": "SCMP_ACT_ERRNO"},
                      {"name": "personality", "action": "SCMP_ACT_KILL",
                       "args": [{"index": 0, "value": 18446744073709551615, "op": "SCMP_CMP_NE"}]}]}""");
    SeccompProfile profile = SeccompProfiles.resolve(new SeccompRequest.Localhost(file.toString()), false,
        Capabilities.DEFAULT);
    assertEquals(SeccompAction.ALLOW, profile.defaultAction());
    assertEquals(new SeccompProfile.Rule("chmod", SeccompAction.ERRNO, 1, List.of()), profile.rules().get(0));
    assertEquals(-1L, profile.rules().get(2).args().get(0).value(), "uint64 max survives as its bits");
    assertNull(SeccompProfiles.resolve(new SeccompRequest.Localhost(file.toString()), true, Capabilities.DEFAULT),
        "privileged is unconfined");
    assertNull(SeccompProfiles.resolve(SeccompRequest.UNCONFINED, false, Capabilities.DEFAULT));
  }

  @Test
  void missingOrBrokenProfilesAreClearErrors() throws Exception {
    ContainerException missing = assertThrows(ContainerException.class, () -> SeccompProfiles.resolve(
        new SeccompRequest.Localhost(dir.resolve("nope.json").toString()), false, Capabilities.DEFAULT));
    assertEquals(ContainerException.Kind.NOT_FOUND, missing.kind());
    assertTrue(missing.getMessage().contains("nope.json"), missing.getMessage());
    assertEquals(ContainerException.Kind.INVALID, assertThrows(ContainerException.class,
        () -> SeccompProfiles.resolve(new SeccompRequest.Localhost("relative.json"), false, Set.of())).kind());
    for (String bad : List.of("{", "[]", "{\"syscalls\": []}", "{\"defaultAction\": \"SCMP_ACT_NOTIFY\"}",
        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\","
            + " \"args\": [{\"index\": 9, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}")) {
      Path file = dir.resolve("bad.json");
      Files.write(file, bad.getBytes(StandardCharsets.UTF_8));
      ContainerException e = assertThrows(ContainerException.class, () -> SeccompProfiles.resolve(
          new SeccompRequest.Localhost(file.toString()), false, Set.of()), bad);
      assertEquals(ContainerException.Kind.INVALID, e.kind(), bad);
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
  }

  @Test
  void planLinesCarryTheFilter() {
    SeccompProfile profile = new SeccompProfile(SeccompAction.ERRNO, 1, List.of("SCMP_ARCH_X86_64"),
        List.of(new SeccompProfile.Rule("clone", SeccompAction.ALLOW, 0,
            List.of(new SeccompProfile.Arg(0, "MASKED_EQ", 0x7E020000L, 0)))));
    String plan = LaunchPlanWriter.seccompLines(profile);
    assertEquals("seccomp_default\tERRNO\t1\nseccomp_arch\tx86_64\n"
        + "seccomp_syscall\tclone\tALLOW\t0\t0 MASKED_EQ 2114060288 0\n", plan);
  }
}
