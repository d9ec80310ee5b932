package dev.skiff.runtime.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link ShimLauncher#launch} in another JVM, which then waits to be killed: proves that
 * a container outlives the skiffd that created it.
 */
public final class SeparateJvmLauncher {
  private SeparateJvmLauncher() {}

  public static void main(String[] args) throws Exception {
    new ShimLauncher(ShimBinary.locate()).launch(new Bundle(Path.of(args[0])));
    System.out.println("created");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }

  static Process start(Path bundleDir) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(java.toString(), "-D" + ShimBinary.PROPERTY + "=" + ShimBinary.locateQuietly(),
        "-cp", System.getProperty("java.class.path"), SeparateJvmLauncher.class.getName(), bundleDir.toString())
        .redirectErrorStream(true)
        .start();
  }

  static boolean awaitCreated(Process jvm, Bundle bundle) throws IOException, InterruptedException {
    byte[] line = new byte[8];
    int n = jvm.getInputStream().readNBytes(line, 0, line.length);
    if (n < 7 || !new String(line, 0, 7).equals("created")) {
      jvm.waitFor(5, TimeUnit.SECONDS);
      return false;
    }
    return Files.exists(bundle.stateFile());
  }
}
