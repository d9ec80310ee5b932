package dev.skiff.runtime.userns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real kernel, root only: the probe Status relies on. */
class UserNamespaceSupportTest {
  @TempDir
  Path tmp;

  @Test
  void thisKernelIdmapsTheTempDirsFilesystem() {
    assertEquals(Optional.empty(), UserNamespaceSupport.unsupportedReason(tmp));
  }

  @Test
  void aMissingDirectoryIsReportedWithItsName() {
    Optional<String> reason = UserNamespaceSupport.unsupportedReason(tmp.resolve("missing"));
    assertTrue(reason.isPresent() && reason.get().contains("missing"), reason.toString());
  }

  @Test
  void procfsTakesNoIdmappedMountsAndSaysSo() {
    // procfs has no FS_ALLOW_IDMAP: the probe must fail there, naming mount_setattr.
    Optional<String> reason = UserNamespaceSupport.unsupportedReason(Path.of("/proc"));
    assertTrue(reason.isPresent() && reason.get().contains("mount_setattr"), reason.toString());
  }

  @Test
  void everyDirectoryMustTakeAnIdmappedMount() {
    // The pods' files (RUN_DIR) are bound into every container idmapped, as the layers are.
    Optional<String> reason = UserNamespaceSupport.unsupportedReason(List.of(tmp, Path.of("/proc")));
    assertTrue(reason.isPresent() && reason.get().contains("/proc"), reason.toString());
    assertEquals(Optional.empty(), UserNamespaceSupport.unsupportedReason(List.of(tmp, tmp)));
  }
}
