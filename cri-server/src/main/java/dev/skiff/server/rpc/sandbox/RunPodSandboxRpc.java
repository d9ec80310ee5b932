package dev.skiff.server.rpc.sandbox;

import com.google.protobuf.util.JsonFormat;
import dev.skiff.cri.v1.PodSandboxConfig;
import dev.skiff.cri.v1.RunPodSandboxRequest;
import dev.skiff.cri.v1.RunPodSandboxResponse;
import dev.skiff.runtime.network.Subnet;
import dev.skiff.runtime.pod.PodId;
import dev.skiff.runtime.pod.PodRuntime;
import dev.skiff.runtime.pod.PodSandbox;
import dev.skiff.runtime.pod.PodSpec;
import dev.skiff.runtime.pod.Rollback;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.rpc.Rpc;
import dev.skiff.server.state.PodMetadata;
import dev.skiff.server.state.PodRecord;
import dev.skiff.server.state.PodState;
import dev.skiff.server.state.PodStore;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RunPodSandbox: validate the config and the runtime handler, reserve the pod's name, create
 * the kernel side (namespaces, network, files, cgroup), persist the record. Every side effect
 * is on an undo list that runs in reverse if a later step fails, so a failed call leaves
 * nothing behind, not even the name.
 */
public final class RunPodSandboxRpc implements Rpc<RunPodSandboxRequest, RunPodSandboxResponse> {
  private static final Logger LOG = LoggerFactory.getLogger(RunPodSandboxRpc.class);

  private final PodStore pods;
  private final PodRuntime runtime;
  private final Supplier<Subnet> podSubnet;
  private final Clock clock;

  public RunPodSandboxRpc(PodStore pods, PodRuntime runtime, Supplier<Subnet> podSubnet, Clock clock) {
    this.pods = pods;
    this.runtime = runtime;
    this.podSubnet = podSubnet;
    this.clock = clock;
  }

  @Override
  public RunPodSandboxResponse call(RunPodSandboxRequest request) throws Exception {
    // validate
    CriError.require(request.hasConfig(), "config");
    PodSandboxConfig config = request.getConfig();
    PodMetadata metadata = PodSandboxConfigs.metadata(config);
    if (!request.getRuntimeHandler().isEmpty()) {
      throw CriError.invalid("runtime handler '" + request.getRuntimeHandler()
          + "' is not configured; skiff has only its own runtime (the default handler \"\")");
    }
    PodId id = PodId.random();
    PodSpec spec = PodSandboxConfigs.spec(id, config);
    PodRuntime.check(spec);

    // reserve
    Rollback rollback = new Rollback("RunPodSandbox " + metadata.namespace() + "/" + metadata.name());
    pods.reserveName(metadata, id.value());
    rollback.push("name reservation", () -> pods.releaseName(metadata, id.value()));
    try {
      // act
      PodSandbox sandbox = runtime.create(spec, podSubnet.get());
      rollback.push("pod sandbox " + id.shortId(), () -> runtime.remove(sandbox));

      // persist
      Instant now = clock.instant();
      var options = PodSandboxConfigs.namespaceOptions(config);
      PodRecord record = new PodRecord(id.value(), metadata, config.getLabelsMap(), config.getAnnotationsMap(),
          now.getEpochSecond() * 1_000_000_000L + now.getNano(), PodState.READY, request.getRuntimeHandler(),
          spec.network(), spec.pid(), spec.ipc(), options.getTargetId(), config.getLogDirectory(), sandbox,
          JsonFormat.printer().print(config));
      pods.add(record);
      rollback.commit();
      LOG.info("Created pod sandbox {} for {}/{} with IP {}", id.shortId(), metadata.namespace(), metadata.name(),
          sandbox.address() == null ? "(host network)" : sandbox.address());
      // respond
      return RunPodSandboxResponse.newBuilder().setPodSandboxId(id.value()).build();
    } catch (Exception e) {
      rollback.undoAll();
      throw e;
    }
  }
}
