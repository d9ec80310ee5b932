package dev.skiff.runtime.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The files of ExecSync calls that a skiffd died in ({@code exec-P-N.out/.err/.result} in the
 * bundle, see {@link ContainerProcess#execSync}): nobody will read them. An exec shim is
 * tracked by nothing but its own command line, so one still running (it outlives skiffd and
 * writes its result file when its command ends) is found in /proc by its {@code --result}
 * path; its files are left to go with the bundle, as deleting them would only let the shim
 * write the result again. One instance serves one recovery: /proc is read once, and only when
 * some bundle has exec files.
 */
public final class ExecLeftovers {
  private static final String PREFIX = "exec-";

  private final Path proc;
  private Set<Path> liveResults;

  public ExecLeftovers() {
    this(Path.of("/proc"));
  }

  ExecLeftovers(Path proc) {
    this.proc = proc;
  }

  /** Deletes the exec files in the bundle of no running exec shim and not of this process; returns how many. */
  public int clean(Bundle bundle) throws IOException {
    if (!Files.isDirectory(bundle.dir())) {
      return 0;
    }
    String own = PREFIX + ProcessHandle.current().pid() + "-";
    List<Path> files;
    try (Stream<Path> entries = Files.list(bundle.dir())) {
      files = entries.filter(file -> file.getFileName().toString().startsWith(PREFIX)).toList();
    }
    if (files.isEmpty()) {
      return 0;
    }
    if (liveResults == null) {
      liveResults = liveResultFiles(proc);
    }
    int deleted = 0;
    for (Path file : files) {
      String name = file.getFileName().toString();
      int dot = name.indexOf('.');
      String call = dot < 0 ? name : name.substring(0, dot);
      if (name.startsWith(own) || liveResults.contains(bundle.dir().resolve(call + ".result"))) {
        continue;
      }
      if (Files.deleteIfExists(file)) {
        deleted++;
      }
    }
    return deleted;
  }

  /** The {@code --result} paths of the running {@code skiff-shim exec} processes. */
  static Set<Path> liveResultFiles(Path proc) throws IOException {
    Set<Path> live = new HashSet<>();
    try (Stream<Path> entries = Files.list(proc)) {
      for (Path dir : (Iterable<Path>) entries::iterator) {
        if (!dir.getFileName().toString().chars().allMatch(Character::isDigit)) {
          continue;
        }
        String[] argv;
        try {
          argv = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8).split("\0");
        } catch (IOException gone) {
          continue;
        }
        if (argv.length < 2 || !argv[0].endsWith("skiff-shim") || !argv[1].equals("exec")) {
          continue;
        }
        for (int i = 2; i + 1 < argv.length && !argv[i].equals("--"); i++) {
          if (argv[i].equals("--result")) {
            live.add(Path.of(argv[i + 1]));
          }
        }
      }
    }
    return live;
  }
}
