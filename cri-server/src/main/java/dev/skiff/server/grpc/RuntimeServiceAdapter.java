package dev.skiff.server.grpc;

import dev.skiff.cri.v1.CreateContainerRequest;
import dev.skiff.cri.v1.CreateContainerResponse;
import dev.skiff.cri.v1.StartContainerRequest;
import dev.skiff.cri.v1.StartContainerResponse;
import dev.skiff.cri.v1.StopContainerRequest;
import dev.skiff.cri.v1.StopContainerResponse;
import dev.skiff.cri.v1.RemoveContainerRequest;
import dev.skiff.cri.v1.RemoveContainerResponse;
import dev.skiff.cri.v1.ContainerStatusRequest;
import dev.skiff.cri.v1.ContainerStatusResponse;
import dev.skiff.cri.v1.ListContainersRequest;
import dev.skiff.cri.v1.ListContainersResponse;
import dev.skiff.cri.v1.UpdateContainerResourcesRequest;
import dev.skiff.cri.v1.UpdateContainerResourcesResponse;
import dev.skiff.cri.v1.ReopenContainerLogRequest;
import dev.skiff.cri.v1.ReopenContainerLogResponse;
import dev.skiff.cri.v1.CheckpointContainerRequest;
import dev.skiff.cri.v1.CheckpointContainerResponse;
import dev.skiff.cri.v1.ExecSyncRequest;
import dev.skiff.cri.v1.ExecSyncResponse;
import dev.skiff.cri.v1.AttachRequest;
import dev.skiff.cri.v1.AttachResponse;
import dev.skiff.cri.v1.ExecRequest;
import dev.skiff.cri.v1.ExecResponse;
import dev.skiff.cri.v1.PortForwardRequest;
import dev.skiff.cri.v1.PortForwardResponse;
import dev.skiff.cri.v1.ListPodSandboxRequest;
import dev.skiff.cri.v1.ListPodSandboxResponse;
import dev.skiff.cri.v1.PodSandboxStatusRequest;
import dev.skiff.cri.v1.PodSandboxStatusResponse;
import dev.skiff.cri.v1.RemovePodSandboxRequest;
import dev.skiff.cri.v1.RemovePodSandboxResponse;
import dev.skiff.cri.v1.RunPodSandboxRequest;
import dev.skiff.cri.v1.RunPodSandboxResponse;
import dev.skiff.cri.v1.RuntimeConfigRequest;
import dev.skiff.cri.v1.RuntimeConfigResponse;
import dev.skiff.cri.v1.RuntimeServiceGrpc;
import dev.skiff.cri.v1.StatusRequest;
import dev.skiff.cri.v1.StatusResponse;
import dev.skiff.cri.v1.StopPodSandboxRequest;
import dev.skiff.cri.v1.StopPodSandboxResponse;
import dev.skiff.cri.v1.UpdateRuntimeConfigRequest;
import dev.skiff.cri.v1.UpdateRuntimeConfigResponse;
import dev.skiff.cri.v1.VersionRequest;
import dev.skiff.cri.v1.VersionResponse;
import dev.skiff.server.rpc.runtime.RuntimeConfigRpc;
import dev.skiff.server.rpc.runtime.StatusRpc;
import dev.skiff.server.rpc.runtime.UpdateRuntimeConfigRpc;
import dev.skiff.server.rpc.runtime.VersionRpc;
import dev.skiff.server.rpc.container.ContainerRpcs;
import dev.skiff.server.rpc.events.ContainerEventHub;
import dev.skiff.server.rpc.stats.StatsRpcs;
import dev.skiff.server.rpc.sandbox.SandboxRpcs;
import dev.skiff.cri.v1.ContainerEventResponse;
import dev.skiff.cri.v1.ContainerStatsRequest;
import dev.skiff.cri.v1.ContainerStatsResponse;
import dev.skiff.cri.v1.GetEventsRequest;
import dev.skiff.cri.v1.ListContainerStatsRequest;
import dev.skiff.cri.v1.ListContainerStatsResponse;
import dev.skiff.cri.v1.ListMetricDescriptorsRequest;
import dev.skiff.cri.v1.ListMetricDescriptorsResponse;
import dev.skiff.cri.v1.ListPodSandboxMetricsRequest;
import dev.skiff.cri.v1.ListPodSandboxMetricsResponse;
import dev.skiff.cri.v1.ListPodSandboxStatsRequest;
import dev.skiff.cri.v1.ListPodSandboxStatsResponse;
import dev.skiff.cri.v1.PodSandboxStatsRequest;
import dev.skiff.cri.v1.PodSandboxStatsResponse;
import dev.skiff.cri.v1.ListContainersRequest;
import dev.skiff.cri.v1.ListPodSandboxRequest;
import dev.skiff.cri.v1.StreamContainerStatsRequest;
import dev.skiff.cri.v1.StreamContainerStatsResponse;
import dev.skiff.cri.v1.StreamContainersRequest;
import dev.skiff.cri.v1.StreamContainersResponse;
import dev.skiff.cri.v1.StreamPodSandboxMetricsRequest;
import dev.skiff.cri.v1.StreamPodSandboxMetricsResponse;
import dev.skiff.cri.v1.StreamPodSandboxStatsRequest;
import dev.skiff.cri.v1.StreamPodSandboxStatsResponse;
import dev.skiff.cri.v1.StreamPodSandboxesRequest;
import dev.skiff.cri.v1.StreamPodSandboxesResponse;
import dev.skiff.cri.v1.UpdatePodSandboxResourcesRequest;
import dev.skiff.cri.v1.UpdatePodSandboxResourcesResponse;
import dev.skiff.server.rpc.stream.StreamRpcs;
import io.grpc.stub.StreamObserver;

/**
 * RuntimeService: each built RPC delegates to its own class. Every RPC not overridden here
 * answers UNIMPLEMENTED with its full name (the generated base class does that).
 */
public final class RuntimeServiceAdapter extends RuntimeServiceGrpc.RuntimeServiceImplBase {
  private final VersionRpc version;
  private final StatusRpc status;
  private final RuntimeConfigRpc runtimeConfig;
  private final UpdateRuntimeConfigRpc updateRuntimeConfig;
  private final SandboxRpcs sandbox;
  private final ContainerRpcs containers;
  private StatsRpcs stats;
  private ContainerEventHub events;
  private final StreamRpcs streams;

  /** Without pod sandbox RPCs (they answer UNIMPLEMENTED), as unit tests of the runtime RPCs use it. */
  public RuntimeServiceAdapter(VersionRpc version, StatusRpc status, RuntimeConfigRpc runtimeConfig,
      UpdateRuntimeConfigRpc updateRuntimeConfig) {
    this(version, status, runtimeConfig, updateRuntimeConfig, null);
  }

  /** Without container RPCs (they answer UNIMPLEMENTED). */
  public RuntimeServiceAdapter(VersionRpc version, StatusRpc status, RuntimeConfigRpc runtimeConfig,
      UpdateRuntimeConfigRpc updateRuntimeConfig, SandboxRpcs sandbox) {
    this(version, status, runtimeConfig, updateRuntimeConfig, sandbox, null);
  }

  /** Without streaming RPCs (they answer UNIMPLEMENTED). */
  public RuntimeServiceAdapter(VersionRpc version, StatusRpc status, RuntimeConfigRpc runtimeConfig,
      UpdateRuntimeConfigRpc updateRuntimeConfig, SandboxRpcs sandbox, ContainerRpcs containers) {
    this(version, status, runtimeConfig, updateRuntimeConfig, sandbox, containers, null);
  }

  public RuntimeServiceAdapter(VersionRpc version, StatusRpc status, RuntimeConfigRpc runtimeConfig,
      UpdateRuntimeConfigRpc updateRuntimeConfig, SandboxRpcs sandbox, ContainerRpcs containers, StreamRpcs streams) {
    this.streams = streams;
    this.version = version;
    this.status = status;
    this.runtimeConfig = runtimeConfig;
    this.updateRuntimeConfig = updateRuntimeConfig;
    this.sandbox = sandbox;
    this.containers = containers;
  }

  /** Serves the stats and metrics RPCs and GetContainerEvents (UNIMPLEMENTED until this is called). */
  public RuntimeServiceAdapter withStats(StatsRpcs stats, ContainerEventHub events) {
    this.stats = stats;
    this.events = events;
    return this;
  }

  @Override
  public void version(VersionRequest request, StreamObserver<VersionResponse> responses) {
    UnaryCalls.run("Version", request, responses, version);
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> responses) {
    UnaryCalls.run("Status", request, responses, status);
  }

  @Override
  public void runtimeConfig(RuntimeConfigRequest request, StreamObserver<RuntimeConfigResponse> responses) {
    UnaryCalls.run("RuntimeConfig", request, responses, runtimeConfig);
  }

  @Override
  public void updateRuntimeConfig(UpdateRuntimeConfigRequest request,
      StreamObserver<UpdateRuntimeConfigResponse> responses) {
    UnaryCalls.run("UpdateRuntimeConfig", request, responses, updateRuntimeConfig);
  }

  @Override
  public void runPodSandbox(RunPodSandboxRequest request, StreamObserver<RunPodSandboxResponse> responses) {
    UnaryCalls.run("RunPodSandbox", request, responses, sandbox, SandboxRpcs::run);
  }

  @Override
  public void stopPodSandbox(StopPodSandboxRequest request, StreamObserver<StopPodSandboxResponse> responses) {
    UnaryCalls.run("StopPodSandbox", request, responses, sandbox, SandboxRpcs::stop);
  }

  @Override
  public void removePodSandbox(RemovePodSandboxRequest request, StreamObserver<RemovePodSandboxResponse> responses) {
    UnaryCalls.run("RemovePodSandbox", request, responses, sandbox, SandboxRpcs::remove);
  }

  @Override
  public void podSandboxStatus(PodSandboxStatusRequest request, StreamObserver<PodSandboxStatusResponse> responses) {
    UnaryCalls.run("PodSandboxStatus", request, responses, sandbox, SandboxRpcs::status);
  }

  @Override
  public void listPodSandbox(ListPodSandboxRequest request, StreamObserver<ListPodSandboxResponse> responses) {
    UnaryCalls.run("ListPodSandbox", request, responses, sandbox, SandboxRpcs::list);
  }

  @Override
  public void updatePodSandboxResources(UpdatePodSandboxResourcesRequest request,
      StreamObserver<UpdatePodSandboxResourcesResponse> responses) {
    UnaryCalls.run("UpdatePodSandboxResources", request, responses, sandbox, SandboxRpcs::updateResources);
  }

  @Override
  public void createContainer(CreateContainerRequest request, StreamObserver<CreateContainerResponse> responses) {
    UnaryCalls.run("CreateContainer", request, responses, containers, ContainerRpcs::create);
  }

  @Override
  public void startContainer(StartContainerRequest request, StreamObserver<StartContainerResponse> responses) {
    UnaryCalls.run("StartContainer", request, responses, containers, ContainerRpcs::start);
  }

  @Override
  public void stopContainer(StopContainerRequest request, StreamObserver<StopContainerResponse> responses) {
    UnaryCalls.run("StopContainer", request, responses, containers, ContainerRpcs::stop);
  }

  @Override
  public void removeContainer(RemoveContainerRequest request, StreamObserver<RemoveContainerResponse> responses) {
    UnaryCalls.run("RemoveContainer", request, responses, containers, ContainerRpcs::remove);
  }

  @Override
  public void containerStatus(ContainerStatusRequest request, StreamObserver<ContainerStatusResponse> responses) {
    UnaryCalls.run("ContainerStatus", request, responses, containers, ContainerRpcs::status);
  }

  @Override
  public void listContainers(ListContainersRequest request, StreamObserver<ListContainersResponse> responses) {
    UnaryCalls.run("ListContainers", request, responses, containers, ContainerRpcs::list);
  }

  @Override
  public void updateContainerResources(UpdateContainerResourcesRequest request, StreamObserver<UpdateContainerResourcesResponse> responses) {
    UnaryCalls.run("UpdateContainerResources", request, responses, containers, ContainerRpcs::updateResources);
  }

  @Override
  public void reopenContainerLog(ReopenContainerLogRequest request, StreamObserver<ReopenContainerLogResponse> responses) {
    UnaryCalls.run("ReopenContainerLog", request, responses, containers, ContainerRpcs::reopenLog);
  }

  @Override
  public void execSync(ExecSyncRequest request, StreamObserver<ExecSyncResponse> responses) {
    UnaryCalls.run("ExecSync", request, responses, containers, ContainerRpcs::execSync);
  }

  @Override
  public void checkpointContainer(CheckpointContainerRequest request,
      StreamObserver<CheckpointContainerResponse> responses) {
    UnaryCalls.run("CheckpointContainer", request, responses, containers, ContainerRpcs::checkpoint);
  }

  @Override
  public void containerStats(ContainerStatsRequest request, StreamObserver<ContainerStatsResponse> responses) {
    UnaryCalls.run("ContainerStats", request, responses, stats, StatsRpcs::containerStats);
  }

  @Override
  public void listContainerStats(ListContainerStatsRequest request,
      StreamObserver<ListContainerStatsResponse> responses) {
    UnaryCalls.run("ListContainerStats", request, responses, stats, StatsRpcs::listContainerStats);
  }

  @Override
  public void podSandboxStats(PodSandboxStatsRequest request, StreamObserver<PodSandboxStatsResponse> responses) {
    UnaryCalls.run("PodSandboxStats", request, responses, stats, StatsRpcs::podSandboxStats);
  }

  @Override
  public void listPodSandboxStats(ListPodSandboxStatsRequest request,
      StreamObserver<ListPodSandboxStatsResponse> responses) {
    UnaryCalls.run("ListPodSandboxStats", request, responses, stats, StatsRpcs::listPodSandboxStats);
  }

  @Override
  public void listMetricDescriptors(ListMetricDescriptorsRequest request,
      StreamObserver<ListMetricDescriptorsResponse> responses) {
    UnaryCalls.run("ListMetricDescriptors", request, responses, stats, StatsRpcs::listMetricDescriptors);
  }

  @Override
  public void listPodSandboxMetrics(ListPodSandboxMetricsRequest request,
      StreamObserver<ListPodSandboxMetricsResponse> responses) {
    UnaryCalls.run("ListPodSandboxMetrics", request, responses, stats, StatsRpcs::listPodSandboxMetrics);
  }

  @Override
  public void getContainerEvents(GetEventsRequest request, StreamObserver<ContainerEventResponse> responses) {
    if (events == null) {
      super.getContainerEvents(request, responses);
      return;
    }
    events.subscribe(new GrpcEventSink<>(responses));
  }

  @Override
  public void exec(ExecRequest request, StreamObserver<ExecResponse> responses) {
    UnaryCalls.run("Exec", request, responses, streams, StreamRpcs::exec);
  }

  @Override
  public void attach(AttachRequest request, StreamObserver<AttachResponse> responses) {
    UnaryCalls.run("Attach", request, responses, streams, StreamRpcs::attach);
  }

  @Override
  public void portForward(PortForwardRequest request, StreamObserver<PortForwardResponse> responses) {
    UnaryCalls.run("PortForward", request, responses, streams, StreamRpcs::portForward);
  }

  @Override
  public void streamPodSandboxes(StreamPodSandboxesRequest request,
      StreamObserver<StreamPodSandboxesResponse> responses) {
    ListStreams.run("StreamPodSandboxes", ListPodSandboxRequest.newBuilder().setFilter(request.getFilter()).build(),
        responses, sandbox, SandboxRpcs::list, r -> r.getItemsList(),
        part -> StreamPodSandboxesResponse.newBuilder().addAllPodSandboxes(part).build());
  }

  @Override
  public void streamContainers(StreamContainersRequest request, StreamObserver<StreamContainersResponse> responses) {
    ListStreams.run("StreamContainers", ListContainersRequest.newBuilder().setFilter(request.getFilter()).build(),
        responses, containers, ContainerRpcs::list, r -> r.getContainersList(),
        part -> StreamContainersResponse.newBuilder().addAllContainers(part).build());
  }

  @Override
  public void streamContainerStats(StreamContainerStatsRequest request,
      StreamObserver<StreamContainerStatsResponse> responses) {
    ListStreams.run("StreamContainerStats",
        ListContainerStatsRequest.newBuilder().setFilter(request.getFilter()).build(),
        responses, stats, StatsRpcs::listContainerStats, r -> r.getStatsList(),
        part -> StreamContainerStatsResponse.newBuilder().addAllContainerStats(part).build());
  }

  @Override
  public void streamPodSandboxStats(StreamPodSandboxStatsRequest request,
      StreamObserver<StreamPodSandboxStatsResponse> responses) {
    ListStreams.run("StreamPodSandboxStats",
        ListPodSandboxStatsRequest.newBuilder().setFilter(request.getFilter()).build(),
        responses, stats, StatsRpcs::listPodSandboxStats, r -> r.getStatsList(),
        part -> StreamPodSandboxStatsResponse.newBuilder().addAllPodSandboxStats(part).build());
  }

  @Override
  public void streamPodSandboxMetrics(StreamPodSandboxMetricsRequest request,
      StreamObserver<StreamPodSandboxMetricsResponse> responses) {
    ListStreams.run("StreamPodSandboxMetrics", ListPodSandboxMetricsRequest.getDefaultInstance(),
        responses, stats, StatsRpcs::listPodSandboxMetrics, r -> r.getPodMetricsList(),
        part -> StreamPodSandboxMetricsResponse.newBuilder().addAllPodSandboxMetrics(part).build());
  }
}
