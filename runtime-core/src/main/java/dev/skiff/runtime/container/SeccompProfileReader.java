package dev.skiff.runtime.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a seccomp profile in the OCI / Docker JSON format and resolves it for one container:
 * {@code archMap} picks the native architecture's entry, a syscall group's
 * {@code includes}/{@code excludes} (caps: all must be held / none may be; arches;
 * minKernel) decide whether it applies. Unknown fields are ignored, as Docker does.
 */
public final class SeccompProfileReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the conditional parts of a profile are decided against. */
  public record Target(Set<String> capabilities, String architecture, int[] kernel) {
    /** This machine: its architecture (OCI name) and kernel release. */
    public static Target host(Set<String> capabilities) {
      String arch = switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64" -> "SCMP_ARCH_X86_64";
        case "aarch64" -> "SCMP_ARCH_AARCH64";
        case "x86", "i386" -> "SCMP_ARCH_X86";
        default -> "SCMP_ARCH_" + System.getProperty("os.arch").toUpperCase(Locale.ROOT);
      };
      return new Target(capabilities, arch, kernelVersion(System.getProperty("os.version")));
    }
  }

  private SeccompProfileReader() {}

  public static SeccompProfile read(byte[] json, String source, Target target) throws ContainerException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw ContainerException.invalid("seccomp profile " + source + " is not valid JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw ContainerException.invalid("seccomp profile " + source + " is not a JSON object");
    }
    try {
      SeccompAction defaultAction = SeccompAction.parse(text(root, "defaultAction"));
      int defaultValue = defaultAction.value(integer(root, "defaultErrnoRet"));
      List<SeccompProfile.Rule> rules = new ArrayList<>();
      for (JsonNode group : root.path("syscalls")) {
        if (!applies(group, target)) {
          continue;
        }
        SeccompAction action = SeccompAction.parse(text(group, "action"));
        int value = action.value(integer(group, "errnoRet"));
        List<SeccompProfile.Arg> args = new ArrayList<>();
        for (JsonNode arg : group.path("args")) {
          args.add(arg(arg));
        }
        List<String> names = new ArrayList<>();
        group.path("names").forEach(n -> names.add(n.asText()));
        if (group.hasNonNull("name")) {
          names.add(group.get("name").asText());
        }
        for (String name : names) {
          rules.add(new SeccompProfile.Rule(name, action, value, args));
        }
      }
      return new SeccompProfile(defaultAction, defaultValue, architectures(root, target), rules);
    } catch (ContainerException e) {
      throw ContainerException.invalid(e.getMessage().replace("seccomp profile:", "seccomp profile " + source + ":"));
    }
  }

  private static List<String> architectures(JsonNode root, Target target) {
    List<String> arches = new ArrayList<>();
    root.path("architectures").forEach(a -> arches.add(a.asText()));
    for (JsonNode entry : root.path("archMap")) {
      if (target.architecture().equals(entry.path("architecture").asText())) {
        arches.add(target.architecture());
        entry.path("subArchitectures").forEach(a -> arches.add(a.asText()));
      }
    }
    return arches;
  }

  private static boolean applies(JsonNode group, Target target) {
    JsonNode includes = group.path("includes");
    for (JsonNode cap : includes.path("caps")) {
      if (!target.capabilities().contains(cap.asText())) {
        return false;
      }
    }
    if (includes.path("arches").size() > 0 && !contains(includes.path("arches"), target.architecture())) {
      return false;
    }
    if (includes.hasNonNull("minKernel")
        && compare(target.kernel(), kernelVersion(includes.get("minKernel").asText())) < 0) {
      return false;
    }
    JsonNode excludes = group.path("excludes");
    for (JsonNode cap : excludes.path("caps")) {
      if (target.capabilities().contains(cap.asText())) {
        return false;
      }
    }
    return !contains(excludes.path("arches"), target.architecture());
  }

  private static SeccompProfile.Arg arg(JsonNode arg) throws ContainerException {
    String op = text(arg, "op");
    if (op == null || !op.startsWith("SCMP_CMP_")) {
      throw ContainerException.invalid("seccomp profile: argument operator '" + op + "' is not supported");
    }
    String shortOp = op.substring("SCMP_CMP_".length());
    if (!Set.of("NE", "LT", "LE", "EQ", "GE", "GT", "MASKED_EQ").contains(shortOp)) {
      throw ContainerException.invalid("seccomp profile: argument operator '" + op + "' is not supported");
    }
    int index = arg.path("index").asInt(-1);
    if (index < 0 || index > 5) {
      throw ContainerException.invalid("seccomp profile: argument index " + arg.path("index") + " is not 0 to 5");
    }
    return new SeccompProfile.Arg(index, shortOp, unsigned(arg.path("value")), unsigned(arg.path("valueTwo")));
  }

  private static long unsigned(JsonNode value) {
    // Values are uint64 in the OCI spec: above Long.MAX_VALUE they are BigIntegers.
    return value.isMissingNode() || value.isNull() ? 0 : value.bigIntegerValue().longValue();
  }

  private static boolean contains(JsonNode array, String value) {
    for (JsonNode n : array) {
      if (n.asText().equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static String text(JsonNode node, String field) {
    return node.hasNonNull(field) ? node.get(field).asText() : null;
  }

  private static Integer integer(JsonNode node, String field) {
    return node.hasNonNull(field) ? node.get(field).asInt() : null;
  }

  static int[] kernelVersion(String release) {
    String[] parts = release.split("[^0-9]+", 3);
    int major = parts.length > 0 && !parts[0].isEmpty() ? Integer.parseInt(parts[0]) : 0;
    int minor = parts.length > 1 && !parts[1].isEmpty() ? Integer.parseInt(parts[1]) : 0;
    return new int[] {major, minor};
  }

  private static int compare(int[] a, int[] b) {
    return a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]);
  }
}
