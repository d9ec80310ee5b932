package dev.skiff.runtime.linux;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

/**
 * The raw libc entry points Java needs. Only the classes of this package call it; each
 * wraps a call once and turns -1 into a {@link KernelException}.
 */
public interface LibC {
  LibC INSTANCE = LibraryLoader.create(LibC.class).load("c");
  Runtime RUNTIME = Runtime.getRuntime(INSTANCE);

  @SaveError
  int mount(String source, String target, String fstype, long flags, String data);

  @SaveError
  int umount2(String target, int flags);

  @SaveError
  int unshare(int flags);

  @SaveError
  int setns(int fd, int nstype);

  @SaveError
  int sethostname(String name, long length);

  @SaveError
  int kill(int pid, int signal);

  int gettid();

  /** Returns 0 when no interface has that name in the calling thread's network namespace. */
  int if_nametoindex(String name);

  int getpid();

  @SaveError
  int open(String path, int flags);

  // The new mount API (glibc 2.36 wrappers): overlay layers one fsconfig call each.
  @SaveError
  int fsopen(String fsName, int flags);

  @SaveError
  int fsconfig(int fd, int cmd, String key, String value, int aux);

  @SaveError
  int fsmount(int fd, int flags, int attrFlags);

  @SaveError
  int move_mount(int fromDirFd, String fromPath, int toDirFd, String toPath, int flags);

  @SaveError
  int mount_setattr(int dirFd, String path, int flags, jnr.ffi.Pointer attr, long size);

  @SaveError
  int close(int fd);

  // Idmapped layers for pods with a user namespace of their own (IdmappedTrees).
  @SaveError
  int open_tree(int dirFd, String path, int flags);

  // rtnetlink (RtNetlink): one socket per network namespace, one message per send.
  @SaveError
  int socket(int domain, int type, int protocol);

  @SaveError
  long send(int fd, @In byte[] buffer, long length, int flags);

  @SaveError
  long recv(int fd, @Out byte[] buffer, long length, int flags);

  // bpf(2) has no libc wrapper (Bpf): syscall(SYS_bpf, cmd, attr, size).
  @SaveError
  long syscall(long number, int cmd, jnr.ffi.Pointer attr, int size);

  static int errno() {
    return RUNTIME.getLastError();
  }
}
