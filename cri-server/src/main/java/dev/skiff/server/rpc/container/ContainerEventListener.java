package dev.skiff.server.rpc.container;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Receives every container state change; must return quickly and never throw. */
@FunctionalInterface
public interface ContainerEventListener {
  void onEvent(ContainerEvent event);

  /** Logs each event at debug level; stands in until GetContainerEvents exists. */
  ContainerEventListener LOGGING = new ContainerEventListener() {
    private final Logger log = LoggerFactory.getLogger(ContainerEventListener.class);

    @Override
    public void onEvent(ContainerEvent event) {
      log.debug("Container event {} for container {} in pod {}", event.type(), event.containerId(), event.podId());
    }
  };
}
