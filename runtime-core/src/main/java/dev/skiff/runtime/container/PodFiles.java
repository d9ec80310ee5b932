package dev.skiff.runtime.container;

/**
 * What the pod provides to each of its containers: its hostname, the files it wrote for
 * /etc/hosts, /etc/hostname and /etc/resolv.conf, and its /dev/shm directory. Any may be
 * null (no such file: the container keeps the image's, or gets a private /dev/shm).
 */
public record PodFiles(String hostname, String hostsFile, String hostnameFile, String resolvConf, String shmDir) {
  public static PodFiles none() {
    return new PodFiles(null, null, null, null, null);
  }
}
