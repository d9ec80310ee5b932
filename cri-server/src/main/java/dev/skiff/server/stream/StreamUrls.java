package dev.skiff.server.stream;

/** Hands out one-time streaming URLs; what the Exec, Attach and PortForward RPCs need. */
public interface StreamUrls {
  /** An absolute URL ({@code http(s)://host:port/<endpoint>/<token>}) usable once, for a limited time. */
  String urlFor(PendingStream request) throws StreamTokens.TooManyStreamsException;
}
