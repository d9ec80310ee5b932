package dev.skiff.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CriuProbeTest {
  @TempDir
  Path dir;

  @Test
  void missingCriuIsUnsupportedNamingCriu() {
    CriuSupport support = new CriuProbe(dir.resolve("no-such-criu").toString()).support();
    assertFalse(support.isUsable());
    assertTrue(support.problem().startsWith("criu is not installed"), support.problem());
    CheckpointException e = assertThrows(CheckpointException.class, support::require);
    assertEquals(CheckpointException.Kind.UNSUPPORTED, e.kind());
    CriuSupport byName = new CriuProbe("skiff-no-such-criu-program").support();
    assertTrue(byName.problem().contains("'skiff-no-such-criu-program' on PATH"), byName.problem());
  }

  @Test
  void tooOldCriuIsRefused() throws Exception {
    Path criu = FakeCriu.write(dir, "3.15", true, FakeCriu.Dump.SUCCEEDS);
    CriuSupport support = new CriuProbe(criu.toString()).support();
    assertEquals("criu 3.15.0 at " + criu + " is too old: checkpoints need CRIU 3.16.0 or newer", support.problem());
  }

  @Test
  void failedCheckExplainsWithCriusOwnErrors() throws Exception {
    Path criu = FakeCriu.write(dir, "3.17.1", false, FakeCriu.Dump.SUCCEEDS);
    CriuSupport support = new CriuProbe(criu.toString()).support();
    assertFalse(support.isUsable());
    assertTrue(support.problem().startsWith("criu 3.17.1 cannot checkpoint on this kernel (Linux "), support.problem());
    assertTrue(support.problem().endsWith("'criu check' failed: Error (criu/vdso.c:381): vdso: Unexpected rt vDSO "
        + "area bounds"), support.problem());
  }

  @Test
  void workingCriuIsUsableAndRemembered() throws Exception {
    Path criu = FakeCriu.write(dir, "4.1", true, FakeCriu.Dump.SUCCEEDS);
    CriuProbe probe = new CriuProbe(criu.toString());
    CriuSupport support = probe.support();
    assertTrue(support.isUsable(), support.problem());
    assertEquals("4.1.0", support.version());
    assertEquals(criu, support.require());
    assertTrue(probe.support() == support, "a usable answer is kept");
  }

  @Test
  void versionsAsCriuNumbersThem() {
    assertEquals(31701, CriuProbe.parseVersion("Version: 3.17.1\n"));
    assertEquals(40100, CriuProbe.parseVersion("Version: 4.1\nGitID: v4.1\n"));
    assertEquals(-1, CriuProbe.parseVersion("criu: unknown option"));
    assertEquals("3.16.0", CriuProbe.versionText(CriuProbe.MINIMUM_VERSION));
  }
}
