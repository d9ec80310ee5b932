package dev.skiff.server.rpc.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.cri.v1.ContainerConfig;
import dev.skiff.cri.v1.IDMapping;
import dev.skiff.cri.v1.Mount;
import dev.skiff.runtime.userns.IdMapping;
import dev.skiff.runtime.userns.UserNamespaceMappings;
import dev.skiff.server.rpc.CriError;
import org.junit.jupiter.api.Test;

class MountIdMappingsTest {
  private static final IDMapping POD = IDMapping.newBuilder().setContainerId(0).setHostId(300000).setLength(65536)
      .build();

  private static Mount.Builder mount() {
    return Mount.newBuilder().setHostPath("/srv/data").setContainerPath("/mnt");
  }

  private static CriError refused(Mount.Builder mount) {
    CriError e = assertThrows(CriError.class,
        () -> ContainerConfigs.mounts(ContainerConfig.newBuilder().addMounts(mount).build()));
    assertEquals(CriError.Kind.INVALID_ARGUMENT, e.kind());
    assertTrue(e.getMessage().contains("/mnt"), e.getMessage());
    return e;
  }

  @Test
  void noMappingsIsNull() {
    assertNull(MountIdMappings.parse(mount().build()));
  }

  @Test
  void kubeletsPerMountMappingsReachTheMountRequest() {
    var mounts = ContainerConfigs.mounts(ContainerConfig.newBuilder()
        .addMounts(mount().addUidMappings(POD).addGidMappings(POD)).build());
    IdMapping expected = new IdMapping(0, 300000, 65536);
    assertEquals(new UserNamespaceMappings(expected, expected), mounts.get(0).idMappings());
  }

  @Test
  void hostileMappingsAreInvalidAndNameTheMount() {
    assertTrue(refused(mount().addUidMappings(POD)).getMessage().contains("both"));
    assertTrue(refused(mount().addUidMappings(POD).addUidMappings(POD).addGidMappings(POD)).getMessage()
        .contains("exactly one"));
    IDMapping empty = POD.toBuilder().setLength(0).build();
    assertTrue(refused(mount().addUidMappings(POD).addGidMappings(empty)).getMessage().contains("gidMappings"));
    IDMapping pastTheEnd = POD.toBuilder().setHostId(-256).setLength(4096).build();
    assertTrue(refused(mount().addUidMappings(pastTheEnd).addGidMappings(POD)).getMessage().contains("32-bit"));
  }
}
