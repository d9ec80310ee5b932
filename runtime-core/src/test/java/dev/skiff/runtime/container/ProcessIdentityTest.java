package dev.skiff.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessIdentityTest {
  @TempDir Path proc;

  private void status(int pid, String text) throws Exception {
    Files.createDirectories(proc.resolve(Integer.toString(pid)));
    Files.writeString(proc.resolve(pid + "/status"), text);
  }

  @Test
  void readsRealUidGidAndGroupsLikeTheKernelWritesThem() throws Exception {
    status(42, "Name:\tsh\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t1000\t1001\t1002\t1003\n"
        + "Gid:\t1000\t1000\t1000\t1000\nFDSize:\t64\nGroups:\t1000 1234 50000 \nNStgid:\t42\n");
    assertEquals(Optional.of(new UserIds(1000, 1000, List.of(1000L, 1234L, 50000L))),
        ProcessIdentity.read(proc, 42));
  }

  @Test
  void noSupplementaryGroupsIsAnEmptyList() throws Exception {
    status(7, "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nGroups:\t\n");
    assertEquals(Optional.of(new UserIds(0, 0, List.of())), ProcessIdentity.read(proc, 7));
  }

  @Test
  void goneProcessIsEmpty() throws Exception {
    assertTrue(ProcessIdentity.read(proc, 99).isEmpty());
  }

  @Test
  void ownProcessMatchesTheKernel() throws Exception {
    long pid = ProcessHandle.current().pid();
    UserIds self = ProcessIdentity.read(Path.of("/proc"), (int) pid).orElseThrow();
    assertEquals(Long.parseLong(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim()),
        self.uid());
  }
}
