package dev.skiff.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Container configs as crictl reads them (CRI JSON), and the crictl create/start steps around them. */
public final class ContainerConfigsJson {
  static final ObjectMapper JSON = new ObjectMapper();

  private ContainerConfigsJson() {}

  /** A busybox container running command in its own PID namespace, logging to NAME/0.log in the pod's log directory. */
  public static ObjectNode busybox(String name, String... command) {
    ObjectNode config = JSON.createObjectNode();
    config.putObject("metadata").put("name", name);
    config.putObject("image").put("image", CritestRegistry.BUSYBOX);
    ArrayNode cmd = config.putArray("command");
    for (String part : command) {
      cmd.add(part);
    }
    config.put("log_path", name + "/0.log");
    config.putObject("labels").put("container", name).put("suite", "it");
    config.putObject("annotations").put("note", "kept");
    // A PID namespace of its own, as kubelet asks unless the pod shares its process namespace.
    config.putObject("linux").putObject("security_context").putObject("namespace_options").put("pid", 1);
    return config;
  }

  /** crictl create; returns the container id. */
  public static String create(SkiffdProcess skiffd, String podId, Path podConfig, JsonNode config) throws IOException {
    Path file = Files.createTempFile(skiffd.dir(), "ctr-", ".json");
    Files.writeString(file, JSON.writeValueAsString(config));
    return skiffd.crictl("create", podId, file.toString(), podConfig.toString())
        .orThrow("crictl create " + config.path("metadata").path("name").asText()).stdout().strip();
  }

  /** crictl create + start; returns the container id. */
  public static String run(SkiffdProcess skiffd, String podId, Path podConfig, JsonNode config) throws IOException {
    String id = create(skiffd, podId, podConfig, config);
    skiffd.crictl("start", id).orThrow("crictl start " + id);
    return id;
  }

  /** The container config's linux.security_context, to set fields on. */
  public static ObjectNode securityContext(ObjectNode config) {
    return (ObjectNode) config.path("linux").path("security_context");
  }

  /** crictl create + start, then waits until the container runs; returns its id. */
  public static String runRunning(SkiffdProcess skiffd, String podId, Path podConfig, ObjectNode config)
      throws Exception {
    String id = run(skiffd, podId, podConfig, config);
    awaitState(skiffd, id, "CONTAINER_RUNNING", 10);
    return id;
  }

  /** crictl inspect's JSON. */
  public static JsonNode inspect(SkiffdProcess skiffd, String id) throws IOException {
    return JSON.readTree(skiffd.crictl("inspect", id).orThrow("crictl inspect " + id).stdout());
  }

  /** crictl exec -s; the command's stdout (fails the test when the exec fails). */
  public static String exec(SkiffdProcess skiffd, String id, String... command) {
    List<String> args = new java.util.ArrayList<>(List.of("exec", "-s", id));
    args.addAll(List.of(command));
    return skiffd.crictl(args.toArray(String[]::new)).orThrow("crictl exec " + String.join(" ", command)).stdout();
  }

  /** Polls crictl inspect until the container's state is the one given, for at most seconds. */
  public static JsonNode awaitState(SkiffdProcess skiffd, String id, String state, int seconds) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    JsonNode status;
    do {
      status = inspect(skiffd, id).path("status");
      if (status.path("state").asText().equals(state)) {
        return status;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("container " + id + " did not reach " + state + " within " + seconds + " s: " + status);
  }
}
