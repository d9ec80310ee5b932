package dev.skiff.server.rpc.stream;

import dev.skiff.runtime.stream.Stdio;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.stream.PendingStream;
import dev.skiff.server.stream.StreamTokens;
import dev.skiff.server.stream.StreamUrls;

/** The checks and the URL step shared by Exec, Attach and PortForward. */
final class StreamingRequests {
  private StreamingRequests() {}

  /** The CRI's rules for the stdio flags (the reference streaming server's validation). */
  static Stdio stdio(boolean stdin, boolean stdout, boolean stderr, boolean tty) {
    if (tty && stderr) {
      throw CriError.invalid("tty and stderr cannot both be true: with a tty, stderr is merged into stdout");
    }
    if (!stdin && !stdout && !stderr) {
      throw CriError.invalid("one of stdin, stdout, or stderr must be set");
    }
    return new Stdio(stdin, stdout, stderr, tty);
  }

  static ContainerLookup.Found runningContainer(ContainerLookup containers, String id) {
    ContainerLookup.Found found = containers.find(id)
        .orElseThrow(() -> CriError.notFound("container " + id + " not found"));
    if (!found.running()) {
      throw CriError.precondition("container " + found.id() + " is not running (state " + found.state() + ")");
    }
    return found;
  }

  static String url(StreamUrls urls, PendingStream request) {
    try {
      return urls.urlFor(request);
    } catch (StreamTokens.TooManyStreamsException e) {
      throw new CriError(CriError.Kind.RESOURCE_EXHAUSTED, e.getMessage(), e);
    }
  }
}
