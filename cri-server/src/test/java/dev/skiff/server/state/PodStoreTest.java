package dev.skiff.server.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.pod.NamespaceMode;
import dev.skiff.runtime.pod.PodId;
import dev.skiff.runtime.pod.PodSandbox;
import dev.skiff.server.rpc.CriError;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodStoreTest {
  @TempDir
  Path tmp;

  private static PodRecord record(String id, String name) {
    PodSandbox sandbox = new PodSandbox(new PodId(id), "/run/pods/" + id, "/run/pods/" + id + "/ns/net", null, null,
        NamespaceMode.CONTAINER, "h", "hosts", "resolv", "/dev/shm", "pod-" + id, "10.88.0.2/16", "skf" + id.substring(0, 12),
        List.of(), null);
    return new PodRecord(id, new PodMetadata(name, "uid", "ns", 0), Map.of("app", name),
        Map.of("weird key/é", "line\nbreak"), 42L, PodState.READY, "", NamespaceMode.POD, NamespaceMode.CONTAINER,
        NamespaceMode.POD, "", "", sandbox, "{}");
  }

  @Test
  void namesAreReservedOncePerMetadataAndReleasedOnRemove() throws Exception {
    PodStore store = new PodStore(tmp);
    PodRecord a = record("a".repeat(64), "web");
    store.reserveName(a.metadata(), a.id());
    CriError taken = assertThrows(CriError.class, () -> store.reserveName(a.metadata(), "b".repeat(64)));
    assertEquals(CriError.Kind.ALREADY_EXISTS, taken.kind());
    assertTrue(taken.getMessage().contains(a.id()), taken.getMessage());
    store.add(a);
    store.remove(a);
    store.reserveName(a.metadata(), "b".repeat(64));
  }

  @Test
  void prefixesFindOnePodOrSayHowManyMatch() throws Exception {
    PodStore store = new PodStore(tmp);
    store.add(record("ab" + "0".repeat(62), "one"));
    store.add(record("ab" + "1".repeat(62), "two"));
    store.add(record("cd" + "0".repeat(62), "three"));
    assertEquals("three", store.find("cd").orElseThrow().metadata().name());
    assertEquals(CriError.Kind.INVALID_ARGUMENT, assertThrows(CriError.class, () -> store.find("ab")).kind());
    assertEquals(2, store.withPrefix("ab").size());
    assertTrue(store.find("ef").isEmpty());
  }

  @Test
  void recordsSurviveARestartExactlyAndUpdatesAreWrittenFirst() throws Exception {
    PodStore store = new PodStore(tmp);
    PodRecord a = record("a".repeat(64), "web");
    store.reserveName(a.metadata(), a.id());
    store.add(a);
    store.update(a.id(), old -> old.withState(PodState.NOTREADY, old.sandbox().withoutNetwork()));

    PodStore restarted = new PodStore(tmp);
    List<PodRecord> loaded = restarted.load();
    assertEquals(1, loaded.size());
    PodRecord back = loaded.get(0);
    assertEquals(a.withState(PodState.NOTREADY, a.sandbox().withoutNetwork()), back);
    assertEquals("line\nbreak", back.annotations().get("weird key/é"));
    // The name registry is rebuilt from the records.
    assertThrows(CriError.class, () -> restarted.reserveName(a.metadata(), "c".repeat(64)));
  }
}
