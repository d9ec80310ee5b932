package dev.skiff.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * What one skiffd has left on the machine, read from the kernel and from its directories,
 * never from skiffd itself: mounts below its directory, cgroups below its cgroup root, the
 * processes that name its directory or a test's marker in their command line, the links and
 * host-port map elements of its network namespace, and its files.
 */
public final class MachineTraces {
  /** A process found on the machine: pid, argv, and its /proc/PID/cgroup lines. */
  public record ProcessTrace(long pid, List<String> argv, List<String> cgroups) {
    /** The value after flag in argv, or null. */
    public String flag(String name) {
      int at = argv.indexOf(name);
      return at >= 0 && at + 1 < argv.size() ? argv.get(at + 1) : null;
    }

    @Override
    public String toString() {
      return pid + " " + String.join(" ", argv) + " " + cgroups;
    }
  }

  private MachineTraces() {}

  /** Mount points below dir (each line of mountinfo once, so a stacked mount shows twice). */
  public static List<Path> mountsBelow(Path dir) throws IOException {
    List<Path> mounts = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String target = unescape(line.split(" ")[4]);
      if (target.startsWith(dir + "/")) {
        mounts.add(Path.of(target));
      }
    }
    return mounts;
  }

  /** skiffd's cgroup root in every hierarchy (it runs in the test's own cgroups). */
  public static List<Path> cgroupRoots(String relativeRoot) {
    return OwnCgroups.directories().stream().map(own -> own.resolve(relativeRoot)).toList();
  }

  /** Every cgroup below the roots, as "hierarchy-dir: relative/path". */
  public static List<String> cgroupsBelow(List<Path> roots) throws IOException {
    List<String> found = new ArrayList<>();
    for (Path root : roots) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(root)) {
        walk.filter(Files::isDirectory).filter(dir -> !dir.equals(root))
            .forEach(dir -> found.add(root + ": " + root.relativize(dir)));
      } catch (java.io.UncheckedIOException raced) {
        // A cgroup went away while walking; the next look sees the rest.
      }
    }
    return found;
  }

  /** Processes (other than {@code except}) whose command line contains any of the markers. */
  public static List<ProcessTrace> processesNaming(long except, String... markers) throws IOException {
    List<ProcessTrace> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : (Iterable<Path>) procs::iterator) {
        String name = proc.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit) || Long.parseLong(name) == except) {
          continue;
        }
        try {
          byte[] raw = Files.readAllBytes(proc.resolve("cmdline"));
          String cmdline = new String(raw, StandardCharsets.UTF_8);
          if (Arrays.stream(markers).noneMatch(cmdline::contains)) {
            continue;
          }
          List<String> argv = List.of(cmdline.split("\0"));
          found.add(new ProcessTrace(Long.parseLong(name), argv, Files.readAllLines(proc.resolve("cgroup"))));
        } catch (NoSuchFileException | java.nio.file.AccessDeniedException gone) {
          // exited meanwhile
        } catch (IOException gone) {
          // exited meanwhile (ESRCH reads as an IOException)
        }
      }
    }
    return found;
  }

  /** Network interfaces in the namespace (names, without the @peer suffix). */
  public static List<String> links(PrivateNetns netns) {
    String out = netns.exec("ip", "-o", "link", "show").orThrow("ip link show").stdout();
    return out.lines().map(line -> line.split(": ")[1].replaceAll("@.*", "")).toList();
  }

  /** Elements of skiff's host-port maps, one line each ("tcp . 30001 : 10.88.0.5 . 80"). */
  public static List<String> hostPortElements(PrivateNetns netns) {
    List<String> elements = new ArrayList<>();
    for (String map : List.of("hostports", "hostip_ports")) {
      CommandResult listed = netns.exec("nft", "list", "map", "ip", "skiff", map);
      if (!listed.ok()) {
        continue;   // no table: nothing mapped
      }
      String text = listed.stdout().replace("\n", " ");
      int start = text.indexOf("elements = {");
      if (start >= 0) {
        String body = text.substring(start + "elements = {".length(), text.indexOf('}', start));
        for (String element : body.split(",")) {
          if (!element.isBlank()) {
            elements.add(element.strip().replaceAll("\\s+", " "));
          }
        }
      }
    }
    return elements;
  }

  /** Every file (not directory) below dir, or none when dir is missing. */
  public static List<Path> filesBelow(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(path -> !Files.isDirectory(path)).toList();
    }
  }

  /** Entries directly in dir, or none when dir is missing. */
  public static List<Path> entriesOf(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.toList();
    }
  }

  /** No pod directory, bundle or writable layer is left in skiffd's run and state directories. */
  public static void assertNoPodOrContainerDirectories(SkiffdProcess skiffd, String prefix) throws IOException {
    Path run = skiffd.runDir();
    assertEquals(List.of(), entriesOf(run.resolve("pods")), prefix + "pod directories are left");
    assertEquals(List.of(), entriesOf(run.resolve("containers")), prefix + "bundles are left");
    assertEquals(List.of(), entriesOf(skiffd.stateDir().resolve("container-layers")),
        prefix + "writable layers are left");
  }

  private static String unescape(String field) {
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
  }
}
