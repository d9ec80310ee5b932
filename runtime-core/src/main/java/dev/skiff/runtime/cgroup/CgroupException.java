package dev.skiff.runtime.cgroup;

import java.io.IOException;

/** A cgroup operation that failed, naming the cgroup file or directory. */
public final class CgroupException extends IOException {
  private final boolean invalidRequest;

  public CgroupException(String message, Throwable cause, boolean invalidRequest) {
    super(message, cause);
    this.invalidRequest = invalidRequest;
  }

  public static CgroupException invalid(String message) {
    return new CgroupException(message, null, true);
  }

  /** True when the request itself is wrong (a bad value), not the host. */
  public boolean invalidRequest() {
    return invalidRequest;
  }
}
