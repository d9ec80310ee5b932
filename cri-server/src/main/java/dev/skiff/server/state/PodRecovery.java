package dev.skiff.server.state;

import dev.skiff.runtime.network.PodNetwork;
import dev.skiff.runtime.network.Subnet;
import dev.skiff.runtime.pod.PinnedNamespaces;
import dev.skiff.runtime.pod.PodSandbox;
import dev.skiff.runtime.pod.PodRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovery of pods at start, before skiffd answers any call. Assumptions:
 * <ul>
 *   <li>Records on disk are the truth about which pods exist; the run directory and the
 *       network (bridge, veths, nftables) may be older, newer or gone (after a reboot).</li>
 *   <li>A READY pod whose pinned network namespace is no longer mounted lost its kernel side
 *       (reboot): it becomes NOTREADY, and kubelet will remove it.</li>
 *   <li>A READY pod whose veth or IP reservation is gone was in StopPodSandbox (containers
 *       stopped, network half detached) when skiffd died: the stop is finished (NOTREADY), so
 *       it neither claims an address IPAM may hand out again nor gets host ports back.</li>
 *   <li>The record is written once the pod is built, so a crash during RunPodSandbox leaves
 *       a pod directory no record names: it is torn down here (namespaces, /dev/shm, veth,
 *       cgroup), before the network is set up.</li>
 *   <li>The nftables table is rebuilt from scratch at start (after a reboot there is none), so
 *       READY pods' host ports are re-added here; the pods above are stopped only once it is
 *       rebuilt, and become NOTREADY even when their teardown fails. IP reservations not held
 *       by a READY pod are released.</li>
 * </ul>
 * One bad record never stops recovery: it is logged and the pod is left as recorded.
 */
public final class PodRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(PodRecovery.class);

  private PodRecovery() {}

  public static void run(PodStore pods, PodRuntime runtime, Subnet current) throws Exception {
    List<PodRecord> records = pods.load();
    int orphans = runtime.removeOrphans(records.stream().map(PodRecord::id).collect(Collectors.toSet()));
    if (orphans > 0) {
      LOG.info("Removed {} half-created pod sandboxes", orphans);
    }
    PodNetwork network = runtime.network();
    List<PodRecord> ready = new ArrayList<>();
    List<PodRecord> toStop = new ArrayList<>();
    for (PodRecord record : records) {
      try {
        if (record.state() != PodState.READY) {
          continue;
        }
        String netns = record.sandbox().netns();
        if (netns != null && !PinnedNamespaces.isPinned(Path.of(netns))) {
          LOG.warn("Pod sandbox {} lost its network namespace {}; marking it NOT_READY", shortId(record), netns);
          toStop.add(record);
          continue;
        }
        String ip = record.sandbox().ip();
        if (ip != null && !network.attached(record.id(), ip, record.sandbox().hostVeth())) {
          // StopPodSandbox stops the containers first, then detaches: this one was cut short there.
          LOG.warn("Pod sandbox {} was being stopped (its network is half torn down); finishing the stop",
              shortId(record));
          toStop.add(record);
          continue;
        }
        ready.add(record);
      } catch (Exception e) {
        LOG.error("Cannot recover pod sandbox {}: {}", shortId(record), e.toString());
      }
    }

    Set<Subnet> known = new LinkedHashSet<>();
    Map<String, String> liveAddresses = new HashMap<>();
    for (PodRecord record : ready) {
      String ip = record.sandbox().ip();
      if (ip != null) {
        known.add(Subnet.parse(ip));
        liveAddresses.put(record.sandbox().address(), record.id());
      }
    }
    try {
      network.start(current, known);
    } catch (Exception e) {
      LOG.error("Pod network is not ready: {}", e.getMessage());
    }
    // After the table is rebuilt (a reboot leaves none), so the stop removes ports from a table that exists.
    for (PodRecord record : toStop) {
      finishStop(pods, runtime, record);
    }
    int released = network.reconcile(liveAddresses);
    if (released > 0) {
      LOG.info("Released {} IP reservations held by no live pod", released);
    }
    if (network.ready()) {
      for (PodRecord record : ready) {
        if (record.sandbox().ip() != null && !record.sandbox().portMappings().isEmpty()) {
          try {
            network.restorePorts(record.sandbox().ip(), record.sandbox().portMappings());
          } catch (Exception e) {
            LOG.error("Cannot restore host ports of pod sandbox {}: {}", shortId(record), e.getMessage());
          }
        }
      }
    }
    LOG.info("Recovered {} pod sandboxes ({} ready)", records.size(), ready.size());
  }

  /**
   * Tears the pod's network down and records it NOTREADY. A pod that lost its network
   * namespace can never be ready again, so it becomes NOTREADY even when the teardown fails;
   * its record then keeps the network, which StopPodSandbox and RemovePodSandbox tear down again.
   */
  private static void finishStop(PodStore pods, PodRuntime runtime, PodRecord record) {
    PodSandbox stopped = record.sandbox();
    try {
      stopped = runtime.stop(record.sandbox());
    } catch (Exception e) {
      LOG.error("Cannot tear down the network of pod sandbox {}; it is NOT_READY, a stop or remove retries: {}",
          shortId(record), e.toString());
    }
    PodSandbox sandbox = stopped;
    try {
      pods.update(record.id(), old -> old.withState(PodState.NOTREADY, sandbox));
    } catch (Exception e) {
      LOG.error("Cannot record pod sandbox {} as NOT_READY: {}", shortId(record), e.toString());
    }
  }

  /** The orphan sweep again, after container recovery released the containers of pods that are gone. */
  public static void sweepOrphans(PodStore pods, PodRuntime runtime) throws Exception {
    int orphans = runtime.removeOrphans(pods.all().stream().map(PodRecord::id).collect(Collectors.toSet()));
    if (orphans > 0) {
      LOG.info("Removed {} pod sandbox directories whose containers went first", orphans);
    }
  }

  private static String shortId(PodRecord record) {
    return record.id().length() > 12 ? record.id().substring(0, 12) : record.id();
  }
}
