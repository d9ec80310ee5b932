package dev.skiff.image.pull;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Byte and layer counters of one pull, for its periodic progress log line. */
final class PullProgress {
  final String reference;
  final AtomicLong received = new AtomicLong();
  final AtomicInteger layersDone = new AtomicInteger();
  volatile long totalBytes;
  volatile int layers;

  PullProgress(String reference) {
    this.reference = reference;
  }

  String line() {
    return String.format("Pulling image %s: %.1f of %.1f MB received, %d of %d layers ready", reference,
        received.get() / 1e6, totalBytes / 1e6, layersDone.get(), layers);
  }
}
