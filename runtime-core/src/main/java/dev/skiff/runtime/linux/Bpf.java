package dev.skiff.runtime.linux;

import java.nio.charset.StandardCharsets;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * The bpf(2) calls skiff needs to restrict devices on cgroup v2: load a
 * BPF_PROG_TYPE_CGROUP_DEVICE program and attach it to a cgroup directory. The attached
 * program stays with the cgroup (the cgroup holds a reference) until the cgroup is removed,
 * so the descriptors are closed right after.
 */
public final class Bpf {
  private static final long SYS_BPF = 321; // x86_64
  private static final int BPF_PROG_LOAD = 5;
  private static final int BPF_PROG_ATTACH = 8;
  private static final int BPF_PROG_TYPE_CGROUP_DEVICE = 15;
  private static final int BPF_CGROUP_DEVICE = 6;
  /** Programs of parent cgroups (systemd's, another runtime's) keep running with ours. */
  private static final int BPF_F_ALLOW_MULTI = 2;
  private static final int ATTR_SIZE = 128; // larger than the fields set; the kernel wants the rest zero
  private static final int O_RDONLY_DIRECTORY_CLOEXEC = 0x10000 | 0x80000;
  private static final int LOG_SIZE = 64 * 1024;

  private Bpf() {}

  /**
   * Loads the program and attaches it to the cgroup directory {@code cgroupDir}. A verifier
   * rejection carries the verifier's log in the exception message.
   */
  public static void attachDeviceProgram(String cgroupDir, long[] instructions) throws KernelException {
    int program = load(instructions, cgroupDir);
    try {
      int cgroup = LibC.INSTANCE.open(cgroupDir, O_RDONLY_DIRECTORY_CLOEXEC);
      if (cgroup < 0) {
        throw new KernelException("open", cgroupDir, LibC.errno());
      }
      try {
        Pointer attr = Memory.allocateDirect(LibC.RUNTIME, ATTR_SIZE, true);
        attr.putInt(0, cgroup);             // target_fd
        attr.putInt(4, program);            // attach_bpf_fd
        attr.putInt(8, BPF_CGROUP_DEVICE);  // attach_type
        attr.putInt(12, BPF_F_ALLOW_MULTI); // attach_flags
        if (LibC.INSTANCE.syscall(SYS_BPF, BPF_PROG_ATTACH, attr, ATTR_SIZE) < 0) {
          throw new KernelException("bpf", "BPF_PROG_ATTACH device program to " + cgroupDir, LibC.errno());
        }
      } finally {
        LibC.INSTANCE.close(cgroup);
      }
    } finally {
      LibC.INSTANCE.close(program);
    }
  }

  private static int load(long[] instructions, String cgroupDir) throws KernelException {
    Pointer insns = Memory.allocateDirect(LibC.RUNTIME, instructions.length * 8, true);
    for (int i = 0; i < instructions.length; i++) {
      insns.putLong(i * 8L, instructions[i]);
    }
    Pointer license = Memory.allocateDirect(LibC.RUNTIME, 8, true);
    license.put(0, "GPL\0".getBytes(StandardCharsets.US_ASCII), 0, 4);
    long fd = loadWithLog(insns, instructions.length, license, null);
    if (fd >= 0) {
      return (int) fd;
    }
    int errno = LibC.errno();
    // Again with the verifier's log, so the error says why.
    Pointer log = Memory.allocateDirect(LibC.RUNTIME, LOG_SIZE, true);
    fd = loadWithLog(insns, instructions.length, license, log);
    if (fd >= 0) {
      return (int) fd;
    }
    String text = log.getString(0, LOG_SIZE, StandardCharsets.US_ASCII).strip();
    throw new KernelException("bpf", "BPF_PROG_LOAD device program for " + cgroupDir
        + (text.isEmpty() ? "" : "; verifier: " + text.replace('\n', ' ')), errno);
  }

  private static long loadWithLog(Pointer insns, int count, Pointer license, Pointer log) {
    Pointer attr = Memory.allocateDirect(LibC.RUNTIME, ATTR_SIZE, true);
    attr.putInt(0, BPF_PROG_TYPE_CGROUP_DEVICE); // prog_type
    attr.putInt(4, count);                       // insn_cnt
    attr.putLong(8, insns.address());            // insns
    attr.putLong(16, license.address());         // license
    if (log != null) {
      attr.putInt(24, 1);                        // log_level
      attr.putInt(28, LOG_SIZE);                 // log_size
      attr.putLong(32, log.address());           // log_buf
    }
    attr.put(48, "skiff_devices\0".getBytes(StandardCharsets.US_ASCII), 0, 14); // prog_name[16]
    return LibC.INSTANCE.syscall(SYS_BPF, BPF_PROG_LOAD, attr, ATTR_SIZE);
  }
}
