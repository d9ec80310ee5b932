package dev.skiff.image;

import java.nio.file.Path;
import java.util.Set;

/**
 * Who else holds snapshots: containers keep using their image's layer directories as
 * lowerdirs after the image is removed, so garbage collection keeps every snapshot
 * directory named here. The CRI server implements it from its container store.
 */
@FunctionalInterface
public interface SnapshotUsers {
  SnapshotUsers NONE = Set::of;

  /** Snapshot directories (as {@link ImageRootfs#layers()} gave them) in use now. */
  Set<Path> snapshotsInUse();
}
