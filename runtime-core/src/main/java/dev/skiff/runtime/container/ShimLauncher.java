package dev.skiff.runtime.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a bundle and starts its shim (CreateContainer), or re-adopts the shim of an
 * existing bundle (after a skiffd restart). The rootfs must already be mounted at
 * {@code <bundle>/rootfs} ({@link OverlayRootfs}).
 */
public final class ShimLauncher {
  private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(30);

  private final Path shim;

  public ShimLauncher(Path shim) {
    this.shim = shim;
  }

  public static ShimLauncher fromSystem() throws ContainerException {
    return new ShimLauncher(ShimBinary.locate());
  }

  public ContainerProcess create(Bundle bundle, RuntimeSpec spec) throws ContainerException, IOException {
    writeBundle(bundle, spec);
    return launch(bundle);
  }

  /** Writes config.json and the launch plan, each atomically. */
  public static void writeBundle(Bundle bundle, RuntimeSpec spec) throws IOException {
    Files.createDirectories(bundle.dir());
    Bundle.writeAtomic(bundle.config(), OciConfigWriter.toJson(spec));
    Bundle.writeAtomic(bundle.plan(), LaunchPlanWriter.toText(spec).getBytes(StandardCharsets.UTF_8));
  }

  /** Starts the shim of a written bundle and waits for its report: the process is created, not started. */
  public ContainerProcess launch(Bundle bundle) throws ContainerException, IOException {
    ShimReply.run(List.of(shim.toString(), "create", "--bundle", bundle.dir().toString()), CREATE_TIMEOUT,
        "report the container created", "failed to create container");
    return adopt(bundle);
  }

  /** A handle on the shim recorded in the bundle; works whether or not it still runs. */
  public ContainerProcess adopt(Bundle bundle) throws IOException {
    Map<String, String> values = Bundle.readKeyValues(bundle.stateFile());
    if (values == null) {
      throw new IOException("no shim state in " + bundle.dir());
    }
    return new ContainerProcess(shim, bundle, ShimState.parse(values), cgroupDirs(bundle));
  }

  private static List<Path> cgroupDirs(Bundle bundle) throws IOException {
    List<Path> dirs = new ArrayList<>();
    for (String line : Files.readAllLines(bundle.plan())) {
      if (line.startsWith("cgroup\t")) {
        dirs.add(Path.of(line.substring("cgroup\t".length())));
      }
    }
    return dirs;
  }
}
