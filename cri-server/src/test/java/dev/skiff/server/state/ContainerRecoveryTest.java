package dev.skiff.server.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.container.ShimLauncher;
import dev.skiff.runtime.pod.NamespaceMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovery's choice per record, on bundles laid out as the shim leaves them (no shim runs here). */
class ContainerRecoveryTest {
  private static final String ID = "c".repeat(64);

  @TempDir
  Path tmp;

  private static final String POD = "b".repeat(64);

  /** Records what recovery released and which cgroups it removed. */
  private static class Recorded implements ContainerRecovery.Release {
    final List<ContainerRecord> released = new ArrayList<>();
    final List<String> cgroups = new ArrayList<>();

    @Override
    public void release(ContainerRecord record) {
      released.add(record);
    }

    @Override
    public void removeCgroup(String cgroup, String owner) {
      cgroups.add(cgroup);
    }
  }

  private ContainerRecord record() {
    Path bundle = tmp.resolve("run/containers").resolve(ID.substring(0, 32));
    return new ContainerRecord(ID, POD, new ContainerMetadata("app", 0), "busybox", "sha256:1",
        Map.of(), Map.of(), 1L, "", bundle.toString(), tmp.resolve("layers").resolve(ID).toString(),
        "pod-x/ctr-" + ID, List.of(), 15, NamespaceMode.CONTAINER, "{}", "{}");
  }

  @Test
  void aShimStillCreatingIsWaitedForAndItsContainerKept() throws Exception {
    ContainerStore store = new ContainerStore(tmp.resolve("state"));
    ContainerRecord record = record();
    store.persist(record);
    Path bundle = Path.of(record.bundleDir());
    Files.createDirectories(bundle);
    Files.writeString(bundle.resolve("shim-plan"), "skiff-plan 1\n");
    // The monitor listens before it sets the container up; its state file comes after.
    Files.createFile(bundle.resolve("shim.sock"));
    Thread shim = new Thread(() -> {
      try {
        Thread.sleep(300);
        // As the shim writes it: a temp file renamed into place, never seen half-written.
        Path temp = Files.writeString(bundle.resolve("state.tmp"),
            "shim_pid 999999\nshim_start 1\npid 999998\npid_start 1\ncreated_ns 1\n");
        Files.move(temp, bundle.resolve("state"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    shim.start();
    Recorded recorded = new Recorded();
    List<ContainerRecord> released = recorded.released;

    ContainerRecovery.run(store, new ShimLauncher(Path.of("/bin/false")), recorded,
        tmp.resolve("run/containers"), tmp.resolve("layers"), Set.of(POD), Duration.ofSeconds(10));
    shim.join();

    assertEquals(List.of(), released, "the container of a shim that was still creating was released");
    assertTrue(store.get(ID).isPresent(), "the record of a shim that was still creating was dropped");
    assertTrue(store.process(ID).isPresent(), "the shim was not adopted");
    assertTrue(Files.exists(bundle.resolve("state")), "the bundle was deleted under the shim");
  }

  @Test
  void aCreateThatNeverReachedTheShimIsReleasedAtOnce() throws Exception {
    ContainerStore store = new ContainerStore(tmp.resolve("state"));
    ContainerRecord record = record();
    store.persist(record);
    Files.createDirectories(Path.of(record.bundleDir()));
    Recorded recorded = new Recorded();
    List<ContainerRecord> released = recorded.released;
    long start = System.nanoTime();

    ContainerRecovery.run(store, new ShimLauncher(Path.of("/bin/false")), recorded,
        tmp.resolve("run/containers"), tmp.resolve("layers"), Set.of(POD), Duration.ofSeconds(10));

    assertEquals(List.of(record), released);
    assertFalse(store.get(ID).isPresent());
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "recovery waited for no shim");
    assertEquals(List.of(), new RecordStore<>(tmp.resolve("state/containers"), ContainerRecord.class).loadAll());
  }

  @Test
  void aContainerWhosePodIsGoneIsReleasedAndDropped() throws Exception {
    ContainerStore store = new ContainerStore(tmp.resolve("state"));
    ContainerRecord record = record();
    store.persist(record);
    Files.createDirectories(Path.of(record.bundleDir()));
    Recorded recorded = new Recorded();

    ContainerRecovery.run(store, new ShimLauncher(Path.of("/bin/false")), recorded,
        tmp.resolve("run/containers"), tmp.resolve("layers"), Set.of("a".repeat(64)), Duration.ofSeconds(10));

    assertEquals(List.of(record), recorded.released);
    assertFalse(store.get(ID).isPresent(), "a container outlived its pod");
    assertEquals(List.of(), new RecordStore<>(tmp.resolve("state/containers"), ContainerRecord.class).loadAll());
  }

  @Test
  void anOrphanBundleHasTheCgroupItNamesRemovedAndIsDeleted() throws Exception {
    ContainerStore store = new ContainerStore(tmp.resolve("state"));
    String cgroup = "kubepods/pod-" + POD + "/ctr-" + ID;
    Path bundle = tmp.resolve("run/containers").resolve(ID.substring(0, 32));
    Files.createDirectories(bundle);
    Files.writeString(bundle.resolve("cgroup"), cgroup);
    Recorded recorded = new Recorded();

    ContainerRecovery.run(store, new ShimLauncher(Path.of("/bin/false")), recorded,
        tmp.resolve("run/containers"), tmp.resolve("layers"), Set.of(POD), Duration.ofSeconds(10));

    assertEquals(List.of(cgroup), recorded.cgroups);
    assertFalse(Files.exists(bundle), "the orphan bundle is left");
  }

  @Test
  void anOrphanBundleNamingAnotherCgroupHasNothingRemoved() throws Exception {
    ContainerStore store = new ContainerStore(tmp.resolve("state"));
    Path bundle = tmp.resolve("run/containers").resolve(ID.substring(0, 32));
    Files.createDirectories(bundle);
    for (String hostile : List.of("pod-" + POD, "pod-" + POD + "/ctr-" + "d".repeat(64),
        "../../pod-" + POD + "/ctr-" + ID, "/")) {
      Files.writeString(bundle.resolve("cgroup"), hostile);
      Recorded recorded = new Recorded();

      ContainerRecovery.run(store, new ShimLauncher(Path.of("/bin/false")), recorded,
          tmp.resolve("run/containers"), tmp.resolve("layers"), Set.of(POD), Duration.ofSeconds(10));

      assertEquals(List.of(), recorded.cgroups, "removed for a bundle naming " + hostile);
      Files.createDirectories(bundle);
    }
  }

  @Test
  void aContainerWhosePodIsGoneIsNeverListedEvenWhenItsReleaseFails() throws Exception {
    ContainerStore store = new ContainerStore(tmp.resolve("state"));
    ContainerRecord record = record();
    store.persist(record);
    Files.createDirectories(Path.of(record.bundleDir()));
    Recorded failing = new Recorded() {
      @Override
      public void release(ContainerRecord ignored) {
        throw new IllegalStateException("cgroup busy");
      }
    };

    ContainerRecovery.run(store, new ShimLauncher(Path.of("/bin/false")), failing,
        tmp.resolve("run/containers"), tmp.resolve("layers"), Set.of(), Duration.ofSeconds(10));

    assertFalse(store.get(ID).isPresent(), "listed under a pod that does not exist");
    assertEquals(List.of(record), new RecordStore<>(tmp.resolve("state/containers"), ContainerRecord.class).loadAll(),
        "the record is kept for the next start to retry");
    assertTrue(Files.exists(Path.of(record.bundleDir())), "the bundle was swept as an orphan");
  }
}
