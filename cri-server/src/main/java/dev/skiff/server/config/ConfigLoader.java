package dev.skiff.server.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Builds the effective config with one precedence order: built-in defaults, then the
 * config file, then its drop-ins ({@code FILE.d/*.toml}, in name order), then flags.
 */
public final class ConfigLoader {
  private static final TomlMapper MAPPER = TomlMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();

  private ConfigLoader() {}

  /**
   * @param file the config file, or null for none
   * @param required whether a missing file is an error (true when the user named it)
   * @param overrides flag values as dotted keys ({@code daemon.socket}) to values
   */
  public static SkiffConfig load(Path file, boolean required, Map<String, Object> overrides) {
    ObjectNode tree = MAPPER.valueToTree(SkiffConfig.defaults());
    if (file != null) {
      if (Files.exists(file)) {
        merge(tree, readToml(file));
        for (Path dropIn : dropIns(file)) {
          merge(tree, readToml(dropIn));
        }
      } else if (required) {
        throw new ConfigException("--config", "file " + file + " does not exist");
      }
    }
    overrides.forEach((key, value) -> set(tree, key, value));
    try {
      return MAPPER.treeToValue(tree, SkiffConfig.class).validate();
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(keyOf(e), "is not a known setting");
    } catch (JsonMappingException e) {
      throw new ConfigException(keyOf(e), "has the wrong type: " + e.getOriginalMessage());
    } catch (JacksonException e) {
      throw new ConfigException("(file)", e.getOriginalMessage());
    }
  }

  /** The effective config as TOML text, as {@code skiffd config} prints it. */
  public static String toToml(SkiffConfig config) {
    try {
      return MAPPER.writeValueAsString(config);
    } catch (JacksonException e) {
      throw new IllegalStateException("cannot render config", e);
    }
  }

  private static List<Path> dropIns(Path file) {
    Path dir = file.resolveSibling(file.getFileName() + ".d");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(p -> p.getFileName().toString().endsWith(".toml")).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new ConfigException("(drop-ins)", "cannot list " + dir + ": " + e.getMessage());
    }
  }

  private static JsonNode readToml(Path file) {
    try {
      return MAPPER.readTree(file.toFile());
    } catch (JacksonException e) {
      throw new ConfigException("(file " + file + ")", "is not valid TOML: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException("(file " + file + ")", "cannot be read: " + e.getMessage());
    }
  }

  /** Tables merge key by key; any other value replaces what was there. */
  private static void merge(ObjectNode target, JsonNode source) {
    Iterator<Map.Entry<String, JsonNode>> fields = source.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode existing = target.get(field.getKey());
      if (existing instanceof ObjectNode existingTable && field.getValue().isObject()) {
        merge(existingTable, field.getValue());
      } else {
        target.set(field.getKey(), field.getValue());
      }
    }
  }

  private static void set(ObjectNode tree, String dottedKey, Object value) {
    String[] parts = dottedKey.split("\\.");
    ObjectNode node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      node = node.with(parts[i]);
    }
    node.set(parts[parts.length - 1], MAPPER.valueToTree(value));
  }

  private static String keyOf(JsonMappingException e) {
    List<String> names = new ArrayList<>();
    for (JsonMappingException.Reference ref : e.getPath()) {
      names.add(ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]");
    }
    return String.join(".", names).replace(".[", "[");
  }
}
