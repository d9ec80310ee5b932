package dev.skiff.runtime.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A shell script standing in for criu in unit tests (the real one is exercised by
 * CheckpointIT): it answers --version and check as told, and its dump writes what criu
 * writes (inventory.img and pages in --images-dir, dump.log and stats-dump in --work-dir)
 * and records its arguments, or fails with an error in dump.log, or hangs.
 */
final class FakeCriu {
  enum Dump { SUCCEEDS, FAILS, HANGS }

  private FakeCriu() {}

  static Path write(Path dir, String version, boolean checkPasses, Dump dump) throws IOException {
    Path script = dir.resolve("criu");
    String dumpBody = switch (dump) {
      case SUCCEEDS -> """
          printf 'CRIU images\\n' > "$images/inventory.img"
          printf 'pages\\n' > "$images/pages-1.img"
          printf '(00.000001) Dumping finished successfully\\n' > "$work/$log"
          printf 'stats\\n' > "$work/stats-dump"
          printf '%s\\n' "$@" > "$work/../criu-args"
          exit 0""";
      case FAILS -> """
          {
            printf '(00.000100) Seizing task 42\\n'
            printf '(00.000200) Error (criu/mount.c:1088): mnt: No external mount for /etc/hosts\\n'
            printf '(00.000300) Dumping FAILED.\\n'
          } > "$work/$log"
          exit 1""";
      case HANGS -> """
          exec sleep 600""";
    };
    Files.writeString(script, """
        #!/bin/sh
        case "$1" in
          --version) echo "Version: %s"; exit 0 ;;
          check) %s ;;
          dump) ;;
          *) exit 2 ;;
        esac
        images= work= log=
        prev=
        for a in "$@"; do
          case "$prev" in
            --images-dir) images=$a ;;
            --work-dir) work=$a ;;
            --log-file) log=$a ;;
          esac
          prev=$a
        done
        %s
        """.formatted(version,
            checkPasses ? "echo 'Looks good.'; exit 0"
                : "echo 'Error (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds'; exit 1",
            dumpBody));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }
}
