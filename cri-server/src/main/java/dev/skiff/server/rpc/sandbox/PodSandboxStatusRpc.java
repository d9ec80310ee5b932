package dev.skiff.server.rpc.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.cri.v1.PodSandboxStatusRequest;
import dev.skiff.cri.v1.PodSandboxStatusResponse;
import dev.skiff.runtime.cgroup.CgroupDriver;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.rpc.Rpc;
import dev.skiff.server.state.PodRecord;
import dev.skiff.server.state.PodStore;
import java.time.Clock;

/**
 * PodSandboxStatus: state, creation time, IP, labels, annotations and namespace options;
 * with verbose, info["info"] is a JSON object with the pinned namespace paths, the cgroup
 * and its directories, the pod's files and the config as the CRI sent it (crictl inspectp
 * prints it).
 */
public final class PodSandboxStatusRpc implements Rpc<PodSandboxStatusRequest, PodSandboxStatusResponse> {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PodStore pods;
  private final CgroupDriver cgroups;
  private final Clock clock;

  public PodSandboxStatusRpc(PodStore pods, CgroupDriver cgroups, Clock clock) {
    this.pods = pods;
    this.cgroups = cgroups;
    this.clock = clock;
  }

  @Override
  public PodSandboxStatusResponse call(PodSandboxStatusRequest request) throws Exception {
    CriError.require(!request.getPodSandboxId().isEmpty(), "pod_sandbox_id");
    PodRecord record = pods.find(request.getPodSandboxId())
        .orElseThrow(() -> CriError.notFound("pod sandbox " + request.getPodSandboxId() + " not found"));
    var now = clock.instant();
    PodSandboxStatusResponse.Builder response = PodSandboxStatusResponse.newBuilder()
        .setStatus(PodSandboxViews.status(record))
        .setTimestamp(now.getEpochSecond() * 1_000_000_000L + now.getNano());
    if (request.getVerbose()) {
      response.putInfo("info", verboseInfo(record));
    }
    return response.build();
  }

  private String verboseInfo(PodRecord record) throws Exception {
    var sandbox = record.sandbox();
    ObjectNode info = JSON.createObjectNode();
    info.put("netns", sandbox.netns());
    info.put("ipcns", sandbox.ipcns());
    info.put("utsns", sandbox.utsns());
    info.put("pidMode", sandbox.pidMode().name());
    info.put("cgroup", sandbox.cgroup());
    var dirs = info.putArray("cgroupDirectories");
    cgroups.directories(sandbox.cgroup()).forEach(dir -> dirs.add(dir.toString()));
    info.put("cgroupMode", cgroups.mode().name());
    info.put("ip", sandbox.ip());
    info.put("hostVeth", sandbox.hostVeth());
    info.put("hostnameFile", sandbox.hostnameFile());
    info.put("hostsFile", sandbox.hostsFile());
    info.put("resolvConfFile", sandbox.resolvConfFile());
    info.put("shm", sandbox.shmDirectory());
    info.put("runtimeHandler", record.runtimeHandler());
    info.set("config", JSON.readTree(record.configJson()));
    return JSON.writeValueAsString(info);
  }
}
