package dev.skiff.server.rpc.container;

import dev.skiff.cri.v1.ContainerFilter;
import dev.skiff.cri.v1.ListContainersRequest;
import dev.skiff.cri.v1.ListContainersResponse;
import dev.skiff.server.rpc.Rpc;
import dev.skiff.server.state.ContainerRecord;
import dev.skiff.server.state.ContainerStore;
import java.util.List;
import java.util.Map;

/**
 * ListContainers: every container, or those matching the filter. id and pod_sandbox_id
 * match as prefixes (crictl passes truncated ids), all labels in the selector must match.
 */
public final class ListContainersRpc implements Rpc<ListContainersRequest, ListContainersResponse> {
  private final ContainerStore containers;

  public ListContainersRpc(ContainerStore containers) {
    this.containers = containers;
  }

  @Override
  public ListContainersResponse call(ListContainersRequest request) throws Exception {
    ContainerFilter filter = request.getFilter();
    List<ContainerRecord> candidates = filter.getId().isEmpty()
        ? containers.all() : containers.withPrefix(filter.getId());
    ListContainersResponse.Builder response = ListContainersResponse.newBuilder();
    for (ContainerRecord record : candidates) {
      if (!record.podId().startsWith(filter.getPodSandboxId()) || !labelsMatch(record.labels(),
          filter.getLabelSelectorMap())) {
        continue;
      }
      ContainerObservation observed = ContainerObservation.of(containers.process(record.id()));
      if (filter.hasState() && filter.getState().getState() != observed.state()) {
        continue;
      }
      response.addContainers(ContainerViews.container(record, observed));
    }
    return response.build();
  }

  private static boolean labelsMatch(Map<String, String> labels, Map<String, String> selector) {
    for (var entry : selector.entrySet()) {
      if (!entry.getValue().equals(labels.get(entry.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
