package dev.skiff.runtime.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.cgroup.CgroupLimits;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SysctlsTest {
  private static PodSpec spec(NamespaceMode network, NamespaceMode ipc, Map<String, String> sysctls) {
    return new PodSpec(PodId.random(), "h", null, network, ipc, NamespaceMode.CONTAINER, sysctls,
        PodSpec.DEFAULT_SHM_BYTES, List.of(), "", CgroupLimits.NONE, null);
  }

  @Test
  void classifiesNamespacedSysctls() throws Exception {
    assertEquals(Sysctls.Owner.NET, Sysctls.ownerOf("net.ipv4.ip_unprivileged_port_start"));
    assertEquals(Sysctls.Owner.NET, Sysctls.ownerOf("net/ipv4/ping_group_range"));
    assertEquals(Sysctls.Owner.IPC, Sysctls.ownerOf("kernel.shm_rmid_forced"));
    assertEquals(Sysctls.Owner.IPC, Sysctls.ownerOf("fs.mqueue.msg_max"));
    assertEquals(Sysctls.Owner.UTS, Sysctls.ownerOf("kernel.domainname"));
  }

  @Test
  void refusesNodeWideAndHostileNames() {
    for (String key : List.of("kernel.panic", "vm.overcommit_memory", "fs.file-max", "net..x", "net.ipv4/../../x",
        "kernel.hostname")) {
      PodSetupException error = assertThrows(PodSetupException.class, () -> Sysctls.ownerOf(key));
      assertTrue(error.getMessage().contains(key), error.getMessage());
    }
  }

  @Test
  void refusesASysctlOfANamespaceSharedWithTheHost() throws Exception {
    Sysctls.check(spec(NamespaceMode.POD, NamespaceMode.POD, Map.of("net.ipv4.ip_forward", "1")));
    PodSetupException error = assertThrows(PodSetupException.class, () -> Sysctls.check(
        spec(NamespaceMode.NODE, NamespaceMode.POD, Map.of("net.ipv4.ip_forward", "1"))));
    assertTrue(error.getMessage().contains("shares with the host"), error.getMessage());
    assertThrows(PodSetupException.class, () -> Sysctls.check(
        spec(NamespaceMode.POD, NamespaceMode.NODE, Map.of("kernel.shmmax", "1"))));
  }
}
