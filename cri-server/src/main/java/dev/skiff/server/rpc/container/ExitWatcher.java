package dev.skiff.server.rpc.container;

import dev.skiff.runtime.container.ContainerProcess;
import dev.skiff.server.state.ContainerRecord;
import dev.skiff.server.state.ContainerStore;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices containers that exit on their own and announces STOPPED for them. One thread
 * looks at each started container's exit file every second: a stat per container, instead
 * of a thread per container blocked on its shim's socket.
 */
public final class ExitWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExitWatcher.class);
  private static final long PERIOD_MS = 1000;

  private final ContainerStore containers;
  private final ContainerTeardown teardown;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "container-exits");
    thread.setDaemon(true);
    return thread;
  });

  public ExitWatcher(ContainerStore containers, ContainerTeardown teardown) {
    this.containers = containers;
    this.teardown = teardown;
  }

  public void start() {
    timer.scheduleWithFixedDelay(this::scan, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
  }

  void scan() {
    for (ContainerRecord record : containers.all()) {
      if (teardown.exitAnnounced(record.id())) {
        continue;
      }
      Optional<ContainerProcess> process = containers.process(record.id());
      try {
        if (process.isPresent() && process.get().phase() == ContainerProcess.Phase.EXITED) {
          LOG.info("Container {} ({}) exited", record.shortId(), record.metadata().name());
          teardown.announceExit(record);
        }
      } catch (Exception e) {
        LOG.debug("Cannot read the state of container {}: {}", record.shortId(), e.toString());
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
