package dev.skiff.server.rpc.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;

/** Samples many containers or pods at once on the stats pool, in the input's order; the first failure is rethrown as itself. */
final class ParallelSamples {
  private ParallelSamples() {}

  static <I, O> List<O> map(ExecutorService pool, List<I> inputs, Function<I, Callable<O>> task) throws Exception {
    if (inputs.size() == 1) {
      return List.of(task.apply(inputs.get(0)).call());
    }
    List<Future<O>> futures = new ArrayList<>(inputs.size());
    for (I input : inputs) {
      futures.add(pool.submit(task.apply(input)));
    }
    List<O> outputs = new ArrayList<>(inputs.size());
    for (Future<O> future : futures) {
      try {
        outputs.add(future.get());
      } catch (ExecutionException e) {
        futures.forEach(f -> f.cancel(false));
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
    }
    return outputs;
  }
}
