package dev.skiff.server.rpc.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.cri.v1.ContainerConfig;
import dev.skiff.cri.v1.Mount;
import dev.skiff.cri.v1.MountPropagation;
import dev.skiff.runtime.container.MountRequest;
import dev.skiff.server.rpc.CriError;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class ContainerConfigsTest {
  private static ContainerConfig withMount(Mount.Builder mount) {
    return ContainerConfig.newBuilder().addMounts(mount.setHostPath("/srv/data").setContainerPath("/mnt")).build();
  }

  @Test
  void recursiveReadOnlyPrivateMountIsAccepted() {
    List<MountRequest> mounts = ContainerConfigs.mounts(
        withMount(Mount.newBuilder().setReadonly(true).setRecursiveReadOnly(true)));
    assertEquals(List.of(new MountRequest("/mnt", "/srv/data", true, true, MountRequest.Propagation.PRIVATE)), mounts);
  }

  @Test
  void recursiveReadOnlyWithoutReadonlyIsInvalidAndNamesTheMount() {
    CriError e = assertThrows(CriError.class, () -> ContainerConfigs.mounts(
        withMount(Mount.newBuilder().setReadonly(false).setRecursiveReadOnly(true))));
    assertEquals(CriError.Kind.INVALID_ARGUMENT, e.kind());
    assertTrue(e.getMessage().contains("/mnt") && e.getMessage().contains("readonly"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(value = MountPropagation.class, names = {"PROPAGATION_HOST_TO_CONTAINER", "PROPAGATION_BIDIRECTIONAL"})
  void recursiveReadOnlyWithPropagationIsInvalidAndNamesTheMount(MountPropagation propagation) {
    CriError e = assertThrows(CriError.class, () -> ContainerConfigs.mounts(withMount(
        Mount.newBuilder().setReadonly(true).setRecursiveReadOnly(true).setPropagation(propagation))));
    assertEquals(CriError.Kind.INVALID_ARGUMENT, e.kind());
    assertTrue(e.getMessage().contains("/mnt") && e.getMessage().contains(propagation.name()), e.getMessage());
  }

  @Test
  void plainReadonlyMountKeepsItsPropagation() {
    List<MountRequest> mounts = ContainerConfigs.mounts(withMount(
        Mount.newBuilder().setReadonly(true).setPropagation(MountPropagation.PROPAGATION_HOST_TO_CONTAINER)));
    assertEquals(MountRequest.Propagation.HOST_TO_CONTAINER, mounts.get(0).propagation());
  }
}
