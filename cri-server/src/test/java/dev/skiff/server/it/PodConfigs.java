package dev.skiff.server.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Pod sandbox configs as crictl reads them (CRI JSON), written to files in the test's directory. */
public final class PodConfigs {
  private PodConfigs() {}

  public static Path write(SkiffdProcess skiffd, String name, String extraJson) throws IOException {
    Path file = Files.createTempFile(skiffd.dir(), "pod-" + name + "-", ".json");
    Files.writeString(file, """
        {"metadata": {"name": "%s", "namespace": "it", "uid": "uid-%s", "attempt": 0},
         "hostname": "%s", "log_directory": "%s/logs/%s",
         "labels": {"app": "%s", "tier": "test"}, "annotations": {"note": "kept exactly: \\u00e9 = ok"},
         "linux": {}%s}
        """.formatted(name, name, name, skiffd.dir(), name, name, extraJson.isEmpty() ? "" : ", " + extraJson));
    return file;
  }

  /** crictl runp; returns the pod id. */
  public static String run(SkiffdProcess skiffd, String name, String extraJson) throws IOException {
    return skiffd.crictl("runp", write(skiffd, name, extraJson).toString()).orThrow("crictl runp " + name)
        .stdout().strip();
  }
}
