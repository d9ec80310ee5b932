package dev.skiff.runtime.pod;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The undo list of a multi-step operation: each side effect pushes its undo right after it
 * happens; on failure they run in reverse order, and a failing undo is logged and skipped
 * so the others still run.
 */
public final class Rollback {
  private static final Logger LOG = LoggerFactory.getLogger(Rollback.class);

  @FunctionalInterface
  public interface Undo {
    void run() throws Exception;
  }

  private final String operation;
  private final Deque<Step> steps = new ArrayDeque<>();

  public Rollback(String operation) {
    this.operation = operation;
  }

  private record Step(String what, Undo undo) {}

  public synchronized void push(String what, Undo undo) {
    steps.push(new Step(what, undo));
  }

  /** Success: nothing will be undone. */
  public synchronized void commit() {
    steps.clear();
  }

  public synchronized void undoAll() {
    while (!steps.isEmpty()) {
      Step step = steps.pop();
      try {
        step.undo().run();
      } catch (Exception e) {
        LOG.warn("Undo of '{}' for {} failed: {}", step.what(), operation, e.toString());
      }
    }
  }
}
