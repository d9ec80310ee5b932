package dev.skiff.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A container without stdin reads the container's own /dev/null, not the host's: its fd 0
 * is on a mount of the container's mount namespace (CRIU cannot checkpoint a descriptor on a
 * mount outside it), as runc's reOpenDevNull arranges.
 */
class StdioDevNullIT {
  private static Path root;
  private static Path busybox;

  @BeforeAll
  static void setUp() throws Exception {
    root = Files.createTempDirectory(Path.of("/tmp"), "skiff-it-");
    busybox = BusyboxRootfs.build(root.resolve("busybox"));
  }

  @AfterAll
  static void tearDown() throws Exception {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void stdinIsTheContainersOwnDevNull() throws Exception {
    String script = "id=$(sed -n 's/^mnt_id:[[:space:]]*//p' /proc/self/fdinfo/0); "
        + "if grep -q \"^$id \" /proc/self/mountinfo; then echo inside; else echo outside $id; fi; "
        + "readlink /proc/self/fd/0";
    try (TestContainer c = new TestContainer(Files.createDirectories(root.resolve("c")), "devnull")) {
      ContainerProcess p = c.create(ShimLauncher.fromSystem(), c.spec("devnull", List.of(busybox),
          List.of("sh", "-c", script), SecurityRequest.defaults(), List.of()));
      p.start();
      p.awaitExit(Duration.ofSeconds(10));
      assertEquals(0, p.exitStatus().orElseThrow().exitCode(), c.logLines().toString());
      assertEquals(List.of("inside", "/dev/null"), c.output("stdout"));
    }
  }
}
