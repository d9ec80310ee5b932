package dev.skiff.runtime.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** A tiny image layer for integration tests: Debian's busybox-static with its applets as symlinks. */
final class BusyboxRootfs {
  static final Path BUSYBOX = Path.of("/bin/busybox");

  private BusyboxRootfs() {}

  static Path build(Path dir) throws IOException, InterruptedException {
    if (!Files.isExecutable(BUSYBOX)) {
      throw new IllegalStateException("integration tests need Debian's busybox-static: apt-get install -y busybox-static");
    }
    Files.createDirectories(dir.resolve("bin"));
    for (String d : new String[] {"etc", "proc", "sys", "dev", "tmp", "root"}) {
      Files.createDirectories(dir.resolve(d));
    }
    Files.copy(BUSYBOX, dir.resolve("bin/busybox"), StandardCopyOption.REPLACE_EXISTING);
    Process list = new ProcessBuilder(BUSYBOX.toString(), "--list").start();
    String applets = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    list.waitFor();
    for (String applet : applets.split("\n")) {
      if (!applet.isBlank() && !applet.equals("busybox")) {
        Files.createSymbolicLink(dir.resolve("bin").resolve(applet.strip()), Path.of("busybox"));
      }
    }
    Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n");
    Files.writeString(dir.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
    return dir;
  }
}
