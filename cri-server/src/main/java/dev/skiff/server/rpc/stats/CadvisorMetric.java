package dev.skiff.server.rpc.stats;

import dev.skiff.cri.v1.MetricDescriptor;
import dev.skiff.cri.v1.MetricType;
import java.util.List;

/**
 * The cAdvisor metrics skiff measures, under cAdvisor's names and labels, for kubelet's
 * PodAndContainerStatsFromCRI (it serves them on /metrics/cadvisor as given). Only figures
 * skiff really reads are here. Metric values are whole numbers in the CRI, so CPU time is
 * reported in whole seconds, as CRI-O does.
 */
enum CadvisorMetric {
  CPU_USAGE_SECONDS("container_cpu_usage_seconds_total", "Cumulative cpu time consumed in seconds.",
      MetricType.COUNTER, Labels.CONTAINER),
  MEMORY_USAGE("container_memory_usage_bytes",
      "Current memory usage in bytes, including all memory regardless of when it was accessed",
      MetricType.GAUGE, Labels.CONTAINER),
  MEMORY_WORKING_SET("container_memory_working_set_bytes", "Current working set in bytes.",
      MetricType.GAUGE, Labels.CONTAINER),
  MEMORY_RSS("container_memory_rss", "Size of RSS in bytes.", MetricType.GAUGE, Labels.CONTAINER),
  MEMORY_SWAP("container_memory_swap", "Container swap usage in bytes.", MetricType.GAUGE, Labels.CONTAINER),
  MEMORY_FAILURES("container_memory_failures_total", "Cumulative count of memory allocation failures.",
      MetricType.COUNTER, Labels.MEMORY_FAILURE),
  MEMORY_LIMIT("container_spec_memory_limit_bytes", "Memory limit for the container.", MetricType.GAUGE,
      Labels.CONTAINER),
  OOM_EVENTS("container_oom_events_total", "Count of out of memory events observed for the container",
      MetricType.COUNTER, Labels.CONTAINER),
  FS_USAGE("container_fs_usage_bytes", "Number of bytes that are consumed by the container on this filesystem.",
      MetricType.GAUGE, Labels.FILESYSTEM),
  FS_INODES("container_fs_inodes_total", "Number of inodes used by the container's writable layer.",
      MetricType.GAUGE, Labels.FILESYSTEM),
  PROCESSES("container_processes", "Number of processes running inside the container.", MetricType.GAUGE,
      Labels.CONTAINER),
  NETWORK_RX_BYTES("container_network_receive_bytes_total", "Cumulative count of bytes received",
      MetricType.COUNTER, Labels.NETWORK),
  NETWORK_RX_ERRORS("container_network_receive_errors_total",
      "Cumulative count of errors encountered while receiving", MetricType.COUNTER, Labels.NETWORK),
  NETWORK_TX_BYTES("container_network_transmit_bytes_total", "Cumulative count of bytes transmitted",
      MetricType.COUNTER, Labels.NETWORK),
  NETWORK_TX_ERRORS("container_network_transmit_errors_total",
      "Cumulative count of errors encountered while transmitting", MetricType.COUNTER, Labels.NETWORK);

  /** cAdvisor's label sets: kubelet's container labels, plus what the metric is about. */
  static final class Labels {
    static final List<String> CONTAINER = List.of("container", "id", "image", "name", "namespace", "pod");
    static final List<String> MEMORY_FAILURE = List.of("container", "id", "image", "name", "namespace", "pod",
        "failure_type", "scope");
    static final List<String> FILESYSTEM = List.of("container", "id", "image", "name", "namespace", "pod", "device");
    static final List<String> NETWORK = List.of("container", "id", "image", "name", "namespace", "pod", "interface");

    private Labels() {}
  }

  final String metricName;
  final String help;
  final MetricType type;
  final List<String> labelKeys;

  CadvisorMetric(String metricName, String help, MetricType type, List<String> labelKeys) {
    this.metricName = metricName;
    this.help = help;
    this.type = type;
    this.labelKeys = labelKeys;
  }

  MetricDescriptor descriptor() {
    return MetricDescriptor.newBuilder().setName(metricName).setHelp(help).addAllLabelKeys(labelKeys).build();
  }
}
