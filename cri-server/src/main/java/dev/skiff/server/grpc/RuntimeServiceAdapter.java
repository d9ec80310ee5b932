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
    if (sandbox == null) {
      super.runPodSandbox(request, responses);
      return;
    }
    UnaryCalls.run("RunPodSandbox", request, responses, sandbox.run());
  }

  @Override
  public void stopPodSandbox(StopPodSandboxRequest request, StreamObserver<StopPodSandboxResponse> responses) {
    if (sandbox == null) {
      super.stopPodSandbox(request, responses);
      return;
    }
    UnaryCalls.run("StopPodSandbox", request, responses, sandbox.stop());
  }

  @Override
  public void removePodSandbox(RemovePodSandboxRequest request, StreamObserver<RemovePodSandboxResponse> responses) {
    if (sandbox == null) {
      super.removePodSandbox(request, responses);
      return;
    }
    UnaryCalls.run("RemovePodSandbox", request, responses, sandbox.remove());
  }

  @Override
  public void podSandboxStatus(PodSandboxStatusRequest request, StreamObserver<PodSandboxStatusResponse> responses) {
    if (sandbox == null) {
      super.podSandboxStatus(request, responses);
      return;
    }
    UnaryCalls.run("PodSandboxStatus", request, responses, sandbox.status());
  }

  @Override
  public void listPodSandbox(ListPodSandboxRequest request, StreamObserver<ListPodSandboxResponse> responses) {
    if (sandbox == null) {
      super.listPodSandbox(request, responses);
      return;
    }
    UnaryCalls.run("ListPodSandbox", request, responses, sandbox.list());
  }

  @Override
  public void createContainer(CreateContainerRequest request, StreamObserver<CreateContainerResponse> responses) {
    if (containers == null) {
      super.createContainer(request, responses);
      return;
    }
    UnaryCalls.run("CreateContainer", request, responses, containers.create());
  }

  @Override
  public void startContainer(StartContainerRequest request, StreamObserver<StartContainerResponse> responses) {
    if (containers == null) {
      super.startContainer(request, responses);
      return;
    }
    UnaryCalls.run("StartContainer", request, responses, containers.start());
  }

  @Override
  public void stopContainer(StopContainerRequest request, StreamObserver<StopContainerResponse> responses) {
    if (containers == null) {
      super.stopContainer(request, responses);
      return;
    }
    UnaryCalls.run("StopContainer", request, responses, containers.stop());
  }

  @Override
  public void removeContainer(RemoveContainerRequest request, StreamObserver<RemoveContainerResponse> responses) {
    if (containers == null) {
      super.removeContainer(request, responses);
      return;
    }
    UnaryCalls.run("RemoveContainer", request, responses, containers.remove());
  }

  @Override
  public void containerStatus(ContainerStatusRequest request, StreamObserver<ContainerStatusResponse> responses) {
    if (containers == null) {
      super.containerStatus(request, responses);
      return;
    }
    UnaryCalls.run("ContainerStatus", request, responses, containers.status());
  }

  @Override
  public void listContainers(ListContainersRequest request, StreamObserver<ListContainersResponse> responses) {
    if (containers == null) {
      super.listContainers(request, responses);
      return;
    }
    UnaryCalls.run("ListContainers", request, responses, containers.list());
  }

  @Override
  public void updateContainerResources(UpdateContainerResourcesRequest request, StreamObserver<UpdateContainerResourcesResponse> responses) {
    if (containers == null) {
      super.updateContainerResources(request, responses);
      return;
    }
    UnaryCalls.run("UpdateContainerResources", request, responses, containers.updateResources());
  }

  @Override
  public void reopenContainerLog(ReopenContainerLogRequest request, StreamObserver<ReopenContainerLogResponse> responses) {
    if (containers == null) {
      super.reopenContainerLog(request, responses);
      return;
    }
    UnaryCalls.run("ReopenContainerLog", request, responses, containers.reopenLog());
  }

  @Override
  public void execSync(ExecSyncRequest request, StreamObserver<ExecSyncResponse> responses) {
    if (containers == null) {
      super.execSync(request, responses);
      return;
    }
    UnaryCalls.run("ExecSync", request, responses, containers.execSync());
  }

  @Override
  public void containerStats(ContainerStatsRequest request, StreamObserver<ContainerStatsResponse> responses) {
    if (stats == null) {
      super.containerStats(request, responses);
      return;
    }
    UnaryCalls.run("ContainerStats", request, responses, stats.containerStats());
  }

  @Override
  public void listContainerStats(ListContainerStatsRequest request,
      StreamObserver<ListContainerStatsResponse> responses) {
    if (stats == null) {
      super.listContainerStats(request, responses);
      return;
    }
    UnaryCalls.run("ListContainerStats", request, responses, stats.listContainerStats());
  }

  @Override
  public void podSandboxStats(PodSandboxStatsRequest request, StreamObserver<PodSandboxStatsResponse> responses) {
    if (stats == null) {
      super.podSandboxStats(request, responses);
      return;
    }
    UnaryCalls.run("PodSandboxStats", request, responses, stats.podSandboxStats());
  }

  @Override
  public void listPodSandboxStats(ListPodSandboxStatsRequest request,
      StreamObserver<ListPodSandboxStatsResponse> responses) {
    if (stats == null) {
      super.listPodSandboxStats(request, responses);
      return;
    }
    UnaryCalls.run("ListPodSandboxStats", request, responses, stats.listPodSandboxStats());
  }

  @Override
  public void listMetricDescriptors(ListMetricDescriptorsRequest request,
      StreamObserver<ListMetricDescriptorsResponse> responses) {
    if (stats == null) {
      super.listMetricDescriptors(request, responses);
      return;
    }
    UnaryCalls.run("ListMetricDescriptors", request, responses, stats.listMetricDescriptors());
  }

  @Override
  public void listPodSandboxMetrics(ListPodSandboxMetricsRequest request,
      StreamObserver<ListPodSandboxMetricsResponse> responses) {
    if (stats == null) {
      super.listPodSandboxMetrics(request, responses);
      return;
    }
    UnaryCalls.run("ListPodSandboxMetrics", request, responses, stats.listPodSandboxMetrics());
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
    if (streams == null) {
      super.exec(request, responses);
      return;
    }
    UnaryCalls.run("Exec", request, responses, streams.exec());
  }

  @Override
  public void attach(AttachRequest request, StreamObserver<AttachResponse> responses) {
    if (streams == null) {
      super.attach(request, responses);
      return;
    }
    UnaryCalls.run("Attach", request, responses, streams.attach());
  }

  @Override
  public void portForward(PortForwardRequest request, StreamObserver<PortForwardResponse> responses) {
    if (streams == null) {
      super.portForward(request, responses);
      return;
    }
    UnaryCalls.run("PortForward", request, responses, streams.portForward());
  }
}
