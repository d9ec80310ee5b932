package dev.skiff.runtime.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Proves on a real pure-cgroup-v2 kernel that the limits {@link CgroupV2Driver} writes take
 * effect: memory.max OOM-kills a memory hog and memory.events counts it, pids.max stops a
 * fork bomb, cpu.max throttles, controllers reach the pod through cgroup.subtree_control,
 * cgroup.freeze stops a busy process, cgroup.kill empties a cgroup tree at once, and the
 * device program of {@link CgroupDriver#restrictDevices} decides every open and mknod.
 *
 * <p>Run by {@code bin/cgv2-vm-test} inside the QEMU guest of {@code bin/cgv2-vm} (this
 * machine is hybrid). A main, not a JUnit class: the guest runs Java about ten times slower,
 * so one JVM start runs every check in order, prints PASS or FAIL per check and exits 1 if
 * any failed. Outside a pure cgroup v2 kernel it refuses to run (exit 2) instead of passing.
 */
public final class CgroupV2KernelCheck {
  private static final Path FS = Path.of("/sys/fs/cgroup");
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final long MIB = 1L << 20;

  private final CgroupV2Driver driver;
  private final List<Process> started = new ArrayList<>();
  private int failures;

  private CgroupV2KernelCheck(CgroupV2Driver driver) {
    this.driver = driver;
  }

  public static void main(String[] args) throws Exception {
    String mounts = Files.readString(Path.of("/proc/self/mounts"));
    if (mounts.contains(" cgroup ") || !mounts.contains(" /sys/fs/cgroup cgroup2 ")) {
      System.err.println("CgroupV2KernelCheck: not a pure cgroup v2 kernel (run it through bin/cgv2-vm-test)");
      System.exit(2);
    }
    // Absolute root, skiff's default: the guest runs us in system.slice/skiff-test.service (a
    // leaf with a process, which cannot delegate controllers), as systemd would run skiffd.
    CgroupDriver detected = CgroupDrivers.detect("/skiff");
    CgroupV2KernelCheck check = new CgroupV2KernelCheck((CgroupV2Driver) detected);
    check.run("detects UNIFIED mode", () -> require(detected.mode() == CgroupMode.UNIFIED, "mode " + detected.mode()));
    check.run("subtree_control delegates controllers down to a container", check::subtreeControl);
    check.run("memory.max OOM-kills a memory hog, memory.events counts it", check::memoryLimit);
    check.run("pids.max stops a fork bomb, cgroup.kill ends it", check::pidsLimit);
    check.run("cpu.max throttles a busy loop, cpu.weight from shares", check::cpuLimit);
    check.run("cgroup.freeze stops and resumes a busy loop", check::freeze);
    check.run("cgroup.kill empties a pod with two containers", check::killTree);
    check.run("a device program denies unlisted devices, grants listed ones their access", check::devices);
    check.run("remove deletes pod cgroups and their empty parents", check::removal);
    check.stopAll();
    System.out.println(check.failures == 0 ? "CgroupV2KernelCheck: all checks passed"
        : "CgroupV2KernelCheck: " + check.failures + " check(s) FAILED");
    System.exit(check.failures == 0 ? 0 : 1);
  }

  private interface Check {
    void run() throws Exception;
  }

  private void run(String name, Check check) {
    long start = System.nanoTime();
    System.out.println("RUN  " + name);
    try {
      check.run();
      System.out.printf("PASS %s (%d ms)%n", name, (System.nanoTime() - start) / 1_000_000);
    } catch (Throwable e) {
      failures++;
      System.out.printf("FAIL %s: %s%n", name, e);
      e.printStackTrace(System.out);
    }
  }

  private void subtreeControl() throws Exception {
    driver.createRoot();
    driver.create("kubepods/pod-mem", limits(0, 0, 0, 64 * MIB, 64 * MIB, Map.of()));
    driver.create("kubepods/pod-mem/ctr", CgroupLimits.NONE);
    for (String level : new String[] {"", "skiff", "skiff/kubepods", "skiff/kubepods/pod-mem"}) {
      Set<String> enabled = Set.of(read(FS.resolve(level).resolve("cgroup.subtree_control")).split(" "));
      require(enabled.containsAll(List.of("cpu", "memory", "pids", "io", "cpuset")),
          "/" + level + " subtree_control is " + enabled);
    }
    Path pod = FS.resolve("skiff/kubepods/pod-mem");
    require(read(pod.resolve("memory.max")).equals(Long.toString(64 * MIB)), "memory.max " + read(pod.resolve("memory.max")));
    require(read(pod.resolve("memory.swap.max")).equals("0"), "memory.swap.max " + read(pod.resolve("memory.swap.max")));
    require(read(pod.resolve("ctr/cgroup.controllers")).contains("memory"), "container has no memory controller");
  }

  private void memoryLimit() throws Exception {
    // tail keeps the current line in memory, and /dev/zero never ends one.
    Process hog = startIn("kubepods/pod-mem/ctr", "exec tail /dev/zero");
    require(hog.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the memory hog is still running");
    require(hog.exitValue() == 128 + 9, "the memory hog ended with " + hog.exitValue() + ", not SIGKILL");
    Map<String, Long> events = driver.counters("kubepods/pod-mem", "memory.events");
    require(events.getOrDefault("oom_kill", 0L) >= 1 && events.getOrDefault("max", 0L) >= 1,
        "pod memory.events " + events);
    require(driver.counters("kubepods/pod-mem/ctr", "memory.events").getOrDefault("oom_kill", 0L) >= 1,
        "container memory.events has no oom_kill");
  }

  private void pidsLimit() throws Exception {
    driver.create("kubepods/pod-pids", limits(0, 0, 0, 0, 0, Map.of("pids.max", "20")));
    require(read(FS.resolve("skiff/kubepods/pod-pids/pids.max")).equals("20"), "pids.max not written");
    // A fork bomb without exec (no file reads through 9p) and without busy loops: each copy
    // forks two more, then blocks reading the pipe that Java holds open as its stdin (fd 3:
    // a background job's own stdin is /dev/null). A copy whose fork is refused exits.
    startIn("kubepods/pod-pids", "exec 3<&0; bomb() { bomb & bomb & read x <&3; }; bomb");
    long deadline = System.nanoTime() + WAIT.toNanos();
    long maxSeen = 0;
    while (driver.counters("kubepods/pod-pids", "pids.events").getOrDefault("max", 0L) < 1) {
      maxSeen = Math.max(maxSeen, Long.parseLong(read(FS.resolve("skiff/kubepods/pod-pids/pids.current"))));
      require(System.nanoTime() < deadline, "pids.max refused no fork in " + WAIT.toSeconds() + " s");
      Thread.sleep(20);
    }
    for (int sample = 0; sample < 10; sample++) {
      maxSeen = Math.max(maxSeen, Long.parseLong(read(FS.resolve("skiff/kubepods/pod-pids/pids.current"))));
      Thread.sleep(20);
    }
    require(maxSeen <= 20, "pids.current reached " + maxSeen + " above pids.max 20");
    driver.kill("kubepods/pod-pids", WAIT);
    require(read(FS.resolve("skiff/kubepods/pod-pids/pids.current")).equals("0"), "processes left after cgroup.kill");
  }

  private void cpuLimit() throws Exception {
    driver.create("kubepods/pod-cpu", limits(100_000, 10_000, 512, 0, 0, Map.of()));
    Path pod = FS.resolve("skiff/kubepods/pod-cpu");
    require(read(pod.resolve("cpu.max")).equals("10000 100000"), "cpu.max " + read(pod.resolve("cpu.max")));
    require(read(pod.resolve("cpu.weight")).equals(Long.toString(V2Limits.weightOf(512))), "cpu.weight");
    startIn("kubepods/pod-cpu", "while :; do :; done");
    long start = System.nanoTime();
    Thread.sleep(1500);
    long elapsedUsec = (System.nanoTime() - start) / 1000;
    Map<String, Long> stat = driver.counters("kubepods/pod-cpu", "cpu.stat");
    require(stat.getOrDefault("nr_throttled", 0L) > 0, "never throttled: cpu.stat " + stat);
    // 10% of one CPU; the allowance covers start-up and the period straddling the window.
    require(stat.get("usage_usec") < elapsedUsec / 2, "used " + stat.get("usage_usec") + " us of " + elapsedUsec);
    driver.kill("kubepods/pod-cpu", WAIT);
  }

  private void freeze() throws Exception {
    driver.create("kubepods/pod-freeze", CgroupLimits.NONE);
    Process busy = startIn("kubepods/pod-freeze", "while :; do :; done");
    Thread.sleep(200);
    driver.freeze("kubepods/pod-freeze", true, WAIT);
    long frozenAt = usage("kubepods/pod-freeze");
    Thread.sleep(500);
    long frozenUsage = usage("kubepods/pod-freeze") - frozenAt;
    require(frozenUsage < 20_000, "a frozen cgroup used " + frozenUsage + " us of CPU");
    require(busy.isAlive(), "the frozen process died");
    driver.freeze("kubepods/pod-freeze", false, WAIT);
    long thawedAt = usage("kubepods/pod-freeze");
    Thread.sleep(500);
    require(usage("kubepods/pod-freeze") - thawedAt > 50_000, "a thawed busy loop used almost no CPU");
    driver.kill("kubepods/pod-freeze", WAIT);
    require(busy.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS) && busy.exitValue() == 128 + 9, "not killed");
  }

  private void killTree() throws Exception {
    driver.create("kubepods/pod-kill", CgroupLimits.NONE);
    driver.create("kubepods/pod-kill/ctr-a", CgroupLimits.NONE);
    driver.create("kubepods/pod-kill/ctr-b", CgroupLimits.NONE);
    Process a = startIn("kubepods/pod-kill/ctr-a", "sleep 600 & sleep 600 & wait");
    Process b = startIn("kubepods/pod-kill/ctr-b", "exec sleep 600");
    require(driver.counters("kubepods/pod-kill", "cgroup.events").get("populated") == 1, "pod not populated");
    driver.kill("kubepods/pod-kill", WAIT);
    require(a.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS) && b.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS),
        "containers still running");
    require(b.exitValue() == 128 + 9, "container b ended with " + b.exitValue());
  }

  private void devices() throws Exception {
    driver.create("kubepods/pod-dev/ctr", CgroupLimits.NONE);
    List<DeviceRule> rules = new ArrayList<>(DeviceRule.DEFAULTS);
    rules.add(DeviceRule.allow('b', 7, 0, "r")); // as a CRI device /dev/loop0 with "r"
    driver.restrictDevices("kubepods/pod-dev/ctr", rules);
    Path nodes = Files.createTempDirectory(Path.of("/run"), "devcheck");
    // Each line: "what: <stderr of the attempt>". Without a loop driver in the guest, a read
    // that the program lets through ends in ENXIO from the block layer, never EPERM.
    String out = runIn("kubepods/pod-dev/ctr", "d=" + nodes + "; mknod $d/sda b 8 0 && mknod $d/loop b 7 0 && echo mknod: ok;"
        + " echo \"sda: $(head -c 1 $d/sda 2>&1 >/dev/null)\";"
        + " echo \"loop-read: $(head -c 1 $d/loop 2>&1 >/dev/null)\";"
        + " echo \"loop-write: $( (echo x > $d/loop) 2>&1)\";"
        + " echo \"null: $( (echo x > /dev/null) 2>&1)ok\";"
        + " echo \"zero: $(head -c 3 /dev/zero | wc -c)\"");
    Map<String, String> lines = new java.util.HashMap<>();
    for (String line : out.split("\n")) {
      int colon = line.indexOf(": ");
      if (colon > 0) {
        lines.put(line.substring(0, colon), line.substring(colon + 2));
      }
    }
    require("ok".equals(lines.get("mknod")), "mknod refused: " + out);
    require(lines.getOrDefault("sda", "").contains("Operation not permitted"), "/dev/sda opened: " + out);
    require(!lines.getOrDefault("loop-read", "EPERM").contains("Operation not permitted"), "read of an allowed device refused: " + out);
    require(lines.getOrDefault("loop-write", "").contains("Operation not permitted"), "write beyond \"r\" allowed: " + out);
    require("ok".equals(lines.get("null")) && "3".equals(lines.get("zero")), "standard nodes refused: " + out);
    Files.walk(nodes).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
  }

  /** Runs sh -c script in the cgroup (it moves itself in first) to its end; returns stdout and stderr. */
  private String runIn(String cgroup, String script) throws IOException, InterruptedException {
    Path procs = driver.directories(cgroup).get(0).resolve("cgroup.procs");
    Process process = new ProcessBuilder("/bin/sh", "-c", "echo $$ > " + procs + " && { " + script + "; }")
        .redirectErrorStream(true).start();
    started.add(process);
    String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    require(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the script did not end");
    return out;
  }

  private void removal() throws Exception {
    for (String pod : new String[] {"pod-dev/ctr", "pod-dev", "pod-mem/ctr", "pod-mem", "pod-pids", "pod-cpu", "pod-freeze",
        "pod-kill/ctr-a", "pod-kill/ctr-b", "pod-kill"}) {
      driver.remove("kubepods/" + pod);
      require(!Files.exists(FS.resolve("skiff/kubepods/" + pod)), pod + " still exists");
    }
    require(!Files.exists(FS.resolve("skiff/kubepods")), "the empty parent kubepods is left");
    require(Files.isDirectory(FS.resolve("skiff")), "skiff's root was removed");
    // A cgroup with a process in it is refused, and stays.
    driver.create("kubepods/pod-busy", CgroupLimits.NONE);
    startIn("kubepods/pod-busy", "exec sleep 600");
    try {
      driver.remove("kubepods/pod-busy");
      throw new AssertionError("removed a cgroup that holds a process");
    } catch (CgroupException expected) {
      require(Files.isDirectory(FS.resolve("skiff/kubepods/pod-busy")), "the busy cgroup is gone");
    }
    driver.kill("kubepods/pod-busy", WAIT);
    driver.remove("kubepods/pod-busy");
  }

  /**
   * Starts sh -c script, which first moves itself into the cgroup so that every child is in it
   * too; returns once the shell is there (or has ended).
   */
  private Process startIn(String cgroup, String script) throws IOException, InterruptedException {
    Path procs = driver.directories(cgroup).get(0).resolve("cgroup.procs");
    Process process = new ProcessBuilder("/bin/sh", "-c", "echo $$ > " + procs + " && " + script)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    started.add(process);
    long deadline = System.nanoTime() + WAIT.toNanos();
    // A process that already ended (the memory hog, quickly OOM-killed) is the caller's to judge.
    while (process.isAlive() && !Files.readAllLines(procs).contains(Long.toString(process.pid()))) {
      require(System.nanoTime() < deadline, "pid " + process.pid() + " never joined " + procs);
      Thread.sleep(5);
    }
    return process;
  }

  private void stopAll() {
    for (Process process : started) {
      process.destroyForcibly();
    }
  }

  private long usage(String cgroup) throws CgroupException {
    return driver.counters(cgroup, "cpu.stat").get("usage_usec");
  }

  private static CgroupLimits limits(long period, long quota, long shares, long memory, long memorySwap,
      Map<String, String> unified) {
    return new CgroupLimits(period, quota, shares, memory, memorySwap, "", "", Map.of(), unified);
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file).trim();
  }

  private static void require(boolean condition, String failure) {
    if (!condition) {
      throw new AssertionError(failure);
    }
  }
}
