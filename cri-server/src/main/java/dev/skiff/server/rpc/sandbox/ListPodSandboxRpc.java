package dev.skiff.server.rpc.sandbox;

import dev.skiff.cri.v1.ListPodSandboxRequest;
import dev.skiff.cri.v1.ListPodSandboxResponse;
import dev.skiff.cri.v1.PodSandboxFilter;
import dev.skiff.server.rpc.Rpc;
import dev.skiff.server.state.PodRecord;
import dev.skiff.server.state.PodStore;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** ListPodSandbox: every pod, or those matching the filter's id (or id prefix), state and labels. */
public final class ListPodSandboxRpc implements Rpc<ListPodSandboxRequest, ListPodSandboxResponse> {
  private final PodStore pods;

  public ListPodSandboxRpc(PodStore pods) {
    this.pods = pods;
  }

  @Override
  public ListPodSandboxResponse call(ListPodSandboxRequest request) {
    PodSandboxFilter filter = request.getFilter();
    List<PodRecord> candidates = filter.getId().isEmpty() ? pods.all() : pods.withPrefix(filter.getId());
    ListPodSandboxResponse.Builder response = ListPodSandboxResponse.newBuilder();
    candidates.stream()
        .filter(pod -> !filter.hasState() || PodSandboxViews.state(pod.state()) == filter.getState().getState())
        .filter(pod -> matches(pod.labels(), filter.getLabelSelectorMap()))
        .sorted(Comparator.comparingLong(PodRecord::createdAtNanos))
        .forEach(pod -> response.addItems(PodSandboxViews.summary(pod)));
    return response.build();
  }

  private static boolean matches(Map<String, String> labels, Map<String, String> selector) {
    for (Map.Entry<String, String> wanted : selector.entrySet()) {
      if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
