package dev.skiff.server.stream;

/** The three URL kinds of the streaming server, as {@code /<path>/<token>}. */
public enum Endpoint {
  EXEC("exec"),
  ATTACH("attach"),
  PORT_FORWARD("portforward");

  private final String path;

  Endpoint(String path) {
    this.path = path;
  }

  public String path() {
    return path;
  }

  static Endpoint ofPath(String path) {
    for (Endpoint endpoint : values()) {
      if (endpoint.path.equals(path)) {
        return endpoint;
      }
    }
    return null;
  }
}
