package dev.skiff.server.rpc.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.cri.v1.IDMapping;
import dev.skiff.cri.v1.NamespaceMode;
import dev.skiff.cri.v1.NamespaceOption;
import dev.skiff.cri.v1.UserNamespace;
import dev.skiff.runtime.userns.IdMapping;
import dev.skiff.server.rpc.CriError;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodUserNamespacesTest {
  private static IDMapping map(int container, int host, int length) {
    return IDMapping.newBuilder().setContainerId(container).setHostId(host).setLength(length).build();
  }

  private static NamespaceOption userns(NamespaceMode mode, List<IDMapping> uids, List<IDMapping> gids) {
    return NamespaceOption.newBuilder().setUsernsOptions(
        UserNamespace.newBuilder().setMode(mode).addAllUids(uids).addAllGids(gids)).build();
  }

  private static String invalid(NamespaceOption options) {
    CriError e = assertThrows(CriError.class, () -> PodUserNamespaces.parse(options));
    assertEquals(CriError.Kind.INVALID_ARGUMENT, e.kind());
    return e.getMessage();
  }

  @Test
  void noOptionsAndNodeMeanTheHostUserNamespace() {
    assertNull(PodUserNamespaces.parse(NamespaceOption.getDefaultInstance()));
    assertNull(PodUserNamespaces.parse(userns(NamespaceMode.NODE, List.of(), List.of())));
  }

  @Test
  void podModeKeepsItsOneMappingPerKind() {
    var mappings = PodUserNamespaces.parse(userns(NamespaceMode.POD, List.of(map(0, 1000, 100000)),
        List.of(map(0, 2000, 65536))));
    assertEquals(new IdMapping(0, 1000, 100000), mappings.uids());
    assertEquals(new IdMapping(0, 2000, 65536), mappings.gids());
    assertEquals("0 1000 100000\n", mappings.uids().mapLine());
  }

  @Test
  void moreThanOneMappingIsRefused() {
    var two = List.of(map(0, 1000, 100000), map(0, 2000, 100000));
    assertTrue(invalid(userns(NamespaceMode.POD, two, two)).contains("exactly one mapping"));
  }

  @Test
  void containerRootMustBeMapped() {
    var fromOne = List.of(map(1, 1000, 100000));
    assertTrue(invalid(userns(NamespaceMode.POD, fromOne, fromOne)).contains("container id 0"));
  }

  @Test
  void missingEmptyOrOverflowingMappingsAreRefused() {
    var good = List.of(map(0, 1000, 100000));
    assertTrue(invalid(userns(NamespaceMode.POD, List.of(), good)).contains("uids"));
    assertTrue(invalid(userns(NamespaceMode.POD, good, List.of(map(0, 1000, 0)))).contains("gids"));
    // host id 0xFFFFFFF0 + 0x100 passes 2^32: an unsigned id must not wrap around.
    assertTrue(invalid(userns(NamespaceMode.POD, List.of(map(0, 0xFFFFFFF0, 0x100)), good))
        .contains("32-bit"));
  }

  @Test
  void containerAndTargetModesAreRefused() {
    assertTrue(invalid(userns(NamespaceMode.CONTAINER, List.of(), List.of())).contains("CONTAINER"));
    assertTrue(invalid(userns(NamespaceMode.TARGET, List.of(), List.of())).contains("TARGET"));
  }

  @Test
  void nodeModeWithMappingsIsRefused() {
    var good = List.of(map(0, 1000, 100000));
    assertTrue(invalid(userns(NamespaceMode.NODE, good, good)).contains("NODE"));
  }
}
