package dev.skiff.runtime.checkpoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code criu dump} of a container's process tree, as runc asks for it when CRI-O or
 * containerd checkpoint for Kubernetes: the container keeps running, its network namespace
 * (the pod's) is external, so is its PID namespace when the container's process is not that
 * namespace's init (POD/NODE/TARGET pid modes), and so is every mount whose content lives
 * outside the container.
 *
 * @param pid the container's init, as the host sees it
 * @param imagesDir where CRIU writes its images (the archive's checkpoint/)
 * @param workDir where CRIU writes dump.log and stats-dump
 * @param root the container's root filesystem as skiffd's mount namespace sees it
 * @param netNsInode the inode of the container's network namespace (always the pod's)
 * @param pidNsInode the inode of its PID namespace when that is external, else 0
 * @param externalMounts mount points (container paths) CRIU records by name
 * @param externalTerminals the container's pty slaves as CRIU names them ("tty[8800:d]")
 */
record CriuDumpRequest(int pid, Path imagesDir, Path workDir, Path root, long netNsInode, long pidNsInode,
    List<String> externalMounts, List<String> externalTerminals) {
  static final String LOG_FILE = "dump.log";

  CriuDumpRequest {
    externalMounts = List.copyOf(externalMounts);
    externalTerminals = List.copyOf(externalTerminals);
  }

  List<String> argv(Path criu) {
    List<String> argv = new ArrayList<>(List.of(criu.toString(), "dump",
        "--tree", Integer.toString(pid),
        "--images-dir", imagesDir.toString(),
        "--work-dir", workDir.toString(),
        "--log-file", LOG_FILE, "-v4",
        // Kubernetes' checkpoints are forensic: the container goes on as if nothing happened.
        "--leave-running",
        "--root", root.toString(),
        // Record the container's cgroups, so a restore can put the tasks back into such ones.
        "--manage-cgroups",
        // Established TCP connections (the pod's) are dumped through TCP repair and go on.
        "--tcp-established",
        // Unix sockets connected to peers outside the tree (a host socket bound in).
        "--ext-unix-sk",
        "--file-locks"));
    external(argv, "net[" + netNsInode + "]:extRootNetNS");
    if (pidNsInode != 0) {
      external(argv, "pid[" + pidNsInode + "]:extRootPidNS");
    }
    for (String mountPoint : externalMounts) {
      external(argv, "mnt[" + mountPoint + "]:" + mountPoint);
    }
    externalTerminals.forEach(tty -> external(argv, tty));
    return argv;
  }

  private static void external(List<String> argv, String value) {
    argv.add("--external");
    argv.add(value);
  }
}
