package dev.skiff.server.it;

import static dev.skiff.server.it.ContainerConfigsJson.busybox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.cri.v1.ContainerFilter;
import dev.skiff.cri.v1.ContainerStatsFilter;
import dev.skiff.cri.v1.ListContainerStatsRequest;
import dev.skiff.cri.v1.ListContainersRequest;
import dev.skiff.cri.v1.ListImagesRequest;
import dev.skiff.cri.v1.ListPodSandboxMetricsRequest;
import dev.skiff.cri.v1.ListPodSandboxRequest;
import dev.skiff.cri.v1.ListPodSandboxStatsRequest;
import dev.skiff.cri.v1.PodSandboxFilter;
import dev.skiff.cri.v1.PodSandboxStatsFilter;
import dev.skiff.cri.v1.StreamContainerStatsRequest;
import dev.skiff.cri.v1.StreamContainersRequest;
import dev.skiff.cri.v1.StreamImagesRequest;
import dev.skiff.cri.v1.StreamPodSandboxMetricsRequest;
import dev.skiff.cri.v1.StreamPodSandboxStatsRequest;
import dev.skiff.cri.v1.StreamPodSandboxesRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CRIListStreaming RPCs (KEP-5825) against the real skiffd: each Stream* RPC returns
 * exactly the items its List RPC returns, each once, honouring the same filters.
 */
class ListStreamingIT {
  private static BusyboxSkiffd env;
  private static SkiffdProcess skiffd;
  private static final List<String> pods = new ArrayList<>();
  private static final List<String> containers = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    env = BusyboxSkiffd.start("liststream", "");
    skiffd = env.skiffd();
    for (String name : List.of("alpha", "beta", "gamma")) {
      Path podConfig = PodConfigs.write(skiffd, name, "");
      String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
      pods.add(pod);
      containers.add(ContainerConfigsJson.run(skiffd, pod, podConfig, busybox("sleeper", "sleep", "1000")));
    }
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void podSandboxesStreamAsTheyList() throws Exception {
    try (CriClient client = new CriClient(skiffd.socket())) {
      List<String> streamed = ids(client.runtime().streamPodSandboxes(StreamPodSandboxesRequest.getDefaultInstance()),
          r -> r.getPodSandboxesList().stream().map(p -> p.getId()).toList());
      assertEquals(new HashSet<>(pods), unique(streamed));
      assertEquals(unique(client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance())
          .getItemsList().stream().map(p -> p.getId()).toList()), unique(streamed));

      PodSandboxFilter beta = PodSandboxFilter.newBuilder().putLabelSelector("app", "beta").build();
      List<String> filtered = ids(client.runtime().streamPodSandboxes(
          StreamPodSandboxesRequest.newBuilder().setFilter(beta).build()),
          r -> r.getPodSandboxesList().stream().map(p -> p.getId()).toList());
      assertEquals(List.of(pods.get(1)), filtered);
    }
  }

  @Test
  void containersStreamAsTheyListWithTheirFilter() throws Exception {
    try (CriClient client = new CriClient(skiffd.socket())) {
      List<String> streamed = ids(client.runtime().streamContainers(StreamContainersRequest.getDefaultInstance()),
          r -> r.getContainersList().stream().map(c -> c.getId()).toList());
      assertEquals(new HashSet<>(containers), unique(streamed));
      assertEquals(unique(client.runtime().listContainers(ListContainersRequest.getDefaultInstance())
          .getContainersList().stream().map(c -> c.getId()).toList()), unique(streamed));

      ContainerFilter inGamma = ContainerFilter.newBuilder().setPodSandboxId(pods.get(2)).build();
      List<String> filtered = ids(client.runtime().streamContainers(
          StreamContainersRequest.newBuilder().setFilter(inGamma).build()),
          r -> r.getContainersList().stream().map(c -> c.getId()).toList());
      assertEquals(List.of(containers.get(2)), filtered);
    }
  }

  @Test
  void statsAndMetricsStreamAsTheyList() throws Exception {
    try (CriClient client = new CriClient(skiffd.socket())) {
      List<String> containerStats = ids(client.runtime().streamContainerStats(
          StreamContainerStatsRequest.getDefaultInstance()),
          r -> r.getContainerStatsList().stream().map(s -> s.getAttributes().getId()).toList());
      assertEquals(new HashSet<>(containers), unique(containerStats));
      assertEquals(unique(client.runtime().listContainerStats(ListContainerStatsRequest.getDefaultInstance())
          .getStatsList().stream().map(s -> s.getAttributes().getId()).toList()), unique(containerStats));
      List<String> ofAlpha = ids(client.runtime().streamContainerStats(StreamContainerStatsRequest.newBuilder()
          .setFilter(ContainerStatsFilter.newBuilder().setPodSandboxId(pods.get(0))).build()),
          r -> r.getContainerStatsList().stream().map(s -> s.getAttributes().getId()).toList());
      assertEquals(List.of(containers.get(0)), ofAlpha);

      List<String> podStats = ids(client.runtime().streamPodSandboxStats(
          StreamPodSandboxStatsRequest.getDefaultInstance()),
          r -> r.getPodSandboxStatsList().stream().map(s -> s.getAttributes().getId()).toList());
      assertEquals(new HashSet<>(pods), unique(podStats));
      assertEquals(unique(client.runtime().listPodSandboxStats(ListPodSandboxStatsRequest.getDefaultInstance())
          .getStatsList().stream().map(s -> s.getAttributes().getId()).toList()), unique(podStats));
      List<String> ofBeta = ids(client.runtime().streamPodSandboxStats(StreamPodSandboxStatsRequest.newBuilder()
          .setFilter(PodSandboxStatsFilter.newBuilder().setId(pods.get(1))).build()),
          r -> r.getPodSandboxStatsList().stream().map(s -> s.getAttributes().getId()).toList());
      assertEquals(List.of(pods.get(1)), ofBeta);

      List<String> metrics = ids(client.runtime().streamPodSandboxMetrics(
          StreamPodSandboxMetricsRequest.getDefaultInstance()),
          r -> r.getPodSandboxMetricsList().stream().map(m -> m.getPodSandboxId()).toList());
      assertEquals(unique(client.runtime().listPodSandboxMetrics(ListPodSandboxMetricsRequest.getDefaultInstance())
          .getPodMetricsList().stream().map(m -> m.getPodSandboxId()).toList()), unique(metrics));
      assertFalse(metrics.isEmpty());
    }
  }

  @Test
  void imagesStreamAsTheyList() throws Exception {
    try (CriClient client = new CriClient(skiffd.socket())) {
      List<String> streamed = ids(client.images().streamImages(StreamImagesRequest.getDefaultInstance()),
          r -> r.getImagesList().stream().map(i -> i.getId()).toList());
      assertFalse(streamed.isEmpty());
      assertEquals(unique(client.images().listImages(ListImagesRequest.getDefaultInstance())
          .getImagesList().stream().map(i -> i.getId()).toList()), unique(streamed));
    }
  }

  private static <R> List<String> ids(Iterator<R> responses, Function<R, List<String>> items) {
    List<String> all = new ArrayList<>();
    while (responses.hasNext()) {
      List<String> batch = items.apply(responses.next());
      assertFalse(batch.isEmpty(), "the CRI asks for responses of at least one item");
      all.addAll(batch);
    }
    return all;
  }

  /** The items as a set, after checking none arrived twice. */
  private static HashSet<String> unique(List<String> ids) {
    HashSet<String> set = new HashSet<>(ids);
    assertEquals(ids.size(), set.size(), "an item arrived twice: " + ids);
    assertTrue(set.stream().noneMatch(String::isEmpty), ids.toString());
    return set;
  }
}
