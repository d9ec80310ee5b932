package dev.skiff.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stale ExecSync files in a bundle, and a /proc laid out like the kernel's. */
class ExecLeftoversTest {
  @TempDir
  Path tmp;

  @Test
  void filesOfCallsCutShortGoThoseOfARunningExecShimAndTheBundlesOwnStay() throws Exception {
    Bundle bundle = new Bundle(Files.createDirectories(tmp.resolve("bundle")));
    for (String name : new String[] {"exec-41-1.out", "exec-41-1.err", "exec-41-1.result", "exec-41-2.out",
        "exec-41-2.err", "exec-41-3.out", "state", "exit", "config.json"}) {
      Files.writeString(bundle.dir().resolve(name), "x");
    }
    Path proc = Files.createDirectories(tmp.resolve("proc"));
    Files.createDirectories(proc.resolve("700"));
    Files.write(proc.resolve("700/cmdline"), String.join("\0", "/usr/lib/skiff/skiff-shim", "exec", "--bundle",
        bundle.dir().toString(), "--result", bundle.dir().resolve("exec-41-3.result").toString(), "--", "sleep", "9")
        .getBytes());
    Files.createDirectories(proc.resolve("701"));
    // A command whose own arguments name a result file is not an exec shim's.
    Files.write(proc.resolve("701/cmdline"), String.join("\0", "/bin/sh", "exec", "--result",
        bundle.dir().resolve("exec-41-2.result").toString()).getBytes());
    Files.createDirectories(proc.resolve("self"));

    Set<Path> live = ExecLeftovers.liveResultFiles(proc);
    assertEquals(Set.of(bundle.dir().resolve("exec-41-3.result")), live);

    assertEquals(5, new ExecLeftovers(proc).clean(bundle));
    assertTrue(Files.exists(bundle.dir().resolve("exec-41-3.out")), "a running exec shim's output was deleted");
    for (String gone : new String[] {"exec-41-1.out", "exec-41-1.err", "exec-41-1.result", "exec-41-2.out",
        "exec-41-2.err"}) {
      assertFalse(Files.exists(bundle.dir().resolve(gone)), gone + " is left");
    }
    for (String kept : new String[] {"state", "exit", "config.json"}) {
      assertTrue(Files.exists(bundle.dir().resolve(kept)), kept + " was deleted");
    }
  }
}
