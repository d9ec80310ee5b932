package dev.skiff.server.rpc.container;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.cri.v1.ContainerStatusRequest;
import dev.skiff.cri.v1.ContainerStatusResponse;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.rpc.Rpc;
import dev.skiff.server.state.ContainerRecord;
import dev.skiff.server.state.ContainerStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * ContainerStatus: the record plus what the shim's files say now. verbose adds, under the
 * key "info" (as containerd names it, which crictl inspect unfolds), the pid, the sandbox,
 * the bundle and the OCI runtime spec the container was made from.
 */
public final class ContainerStatusRpc implements Rpc<ContainerStatusRequest, ContainerStatusResponse> {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ContainerStore containers;

  public ContainerStatusRpc(ContainerStore containers) {
    this.containers = containers;
  }

  @Override
  public ContainerStatusResponse call(ContainerStatusRequest request) throws Exception {
    CriError.require(!request.getContainerId().isEmpty(), "container_id");
    ContainerRecord record = containers.find(request.getContainerId())
        .orElseThrow(() -> CriError.notFound("container " + request.getContainerId() + " not found"));
    ContainerObservation observed = ContainerObservation.of(containers.process(record.id()));
    ContainerStatusResponse.Builder response = ContainerStatusResponse.newBuilder()
        .setStatus(ContainerViews.status(record, observed));
    if (request.getVerbose()) {
      response.putInfo("info", verboseInfo(record, observed));
    }
    return response.build();
  }

  private static String verboseInfo(ContainerRecord record, ContainerObservation observed) throws IOException {
    ObjectNode info = JSON.createObjectNode();
    info.put("sandboxID", record.podId());
    info.put("pid", observed.pid());
    info.put("bundle", record.bundleDir());
    info.put("cgroup", record.cgroup());
    info.put("stopSignal", record.stopSignal());
    info.put("pidMode", record.pidMode().name());
    info.putPOJO("snapshots", record.snapshots());
    try {
      info.set("runtimeSpec", JSON.readTree(Files.readAllBytes(Path.of(record.bundleDir(), "config.json"))));
    } catch (NoSuchFileException e) {
      info.putNull("runtimeSpec");
    }
    return JSON.writeValueAsString(info);
  }
}
