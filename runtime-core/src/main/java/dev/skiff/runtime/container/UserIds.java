package dev.skiff.runtime.container;

import java.util.List;

/** The numeric identity of the container process. */
public record UserIds(long uid, long gid, List<Long> additionalGids) {
  public UserIds {
    additionalGids = List.copyOf(additionalGids);
  }
}
