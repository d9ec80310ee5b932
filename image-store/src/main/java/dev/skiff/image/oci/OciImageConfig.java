package dev.skiff.image.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.image.ImageStoreException;
import dev.skiff.image.ref.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a container takes from its image's config blob: the process defaults (Env,
 * Entrypoint, Cmd, WorkingDir, User, StopSignal), labels, exposed ports and volumes, and
 * the layer diff IDs that name the snapshots.
 */
public record OciImageConfig(
    String os,
    String architecture,
    String user,
    List<String> env,
    List<String> entrypoint,
    List<String> cmd,
    String workingDir,
    String stopSignal,
    Map<String, String> labels,
    List<String> exposedPorts,
    List<String> volumes,
    List<Digest> diffIds) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public static OciImageConfig parse(byte[] bytes, String what) {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw ImageStoreException.badContent("config of " + what + " is not valid JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw ImageStoreException.badContent("config of " + what + " is not a JSON object");
    }
    JsonNode config = root.path("config");
    List<Digest> diffIds = new ArrayList<>();
    for (JsonNode diffId : root.path("rootfs").path("diff_ids")) {
      try {
        diffIds.add(Digest.parse(diffId.asText()));
      } catch (ImageStoreException e) {
        throw ImageStoreException.badContent("config of " + what + " has a bad diff_id: " + e.getMessage());
      }
    }
    Map<String, String> labels = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = config.path("Labels").fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      labels.put(field.getKey(), field.getValue().asText());
    }
    return new OciImageConfig(
        root.path("os").asText(""),
        root.path("architecture").asText(""),
        config.path("User").asText(""),
        strings(config.path("Env")),
        strings(config.path("Entrypoint")),
        strings(config.path("Cmd")),
        config.path("WorkingDir").asText(""),
        config.path("StopSignal").asText(""),
        Map.copyOf(labels),
        keys(config.path("ExposedPorts")),
        keys(config.path("Volumes")),
        List.copyOf(diffIds));
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    for (JsonNode value : array) {
      values.add(value.asText());
    }
    return List.copyOf(values);
  }

  private static List<String> keys(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return List.copyOf(names);
  }
}
