package dev.skiff.server.rpc.stats;

import dev.skiff.cri.v1.ListMetricDescriptorsRequest;
import dev.skiff.cri.v1.ListMetricDescriptorsResponse;
import dev.skiff.server.rpc.Rpc;

/** ListMetricDescriptors: the cAdvisor metrics ListPodSandboxMetrics reports, with their help and label keys. */
public final class ListMetricDescriptorsRpc implements Rpc<ListMetricDescriptorsRequest, ListMetricDescriptorsResponse> {
  @Override
  public ListMetricDescriptorsResponse call(ListMetricDescriptorsRequest request) {
    ListMetricDescriptorsResponse.Builder response = ListMetricDescriptorsResponse.newBuilder();
    for (CadvisorMetric metric : CadvisorMetric.values()) {
      response.addDescriptors(metric.descriptor());
    }
    return response.build();
  }
}
