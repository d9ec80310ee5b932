package dev.skiff.runtime.cgroup;

import java.util.ArrayList;
import java.util.List;

/**
 * A device allowlist as a BPF_PROG_TYPE_CGROUP_DEVICE program, the cgroup v2 replacement for
 * v1's devices.allow/deny. The kernel runs it on every open and mknod of a device node in the
 * cgroup with a {@code struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }},
 * where access_type is {@code (access << 16) | type}, access a mask of mknod 1, read 2,
 * write 4 and type block 1, char 2; the program returns 1 to allow, 0 to deny.
 *
 * <p>Later rules override earlier ones, so the rules are tested last to first and the first
 * that matches decides; none matching denies. An allow rule matches only when it grants every
 * access asked for (an open for read and write needs both); a deny rule matches when it takes
 * any of them away.
 */
public final class DeviceProgram {
  static final int ACC_MKNOD = 1;
  static final int ACC_READ = 2;
  static final int ACC_WRITE = 4;
  static final int DEV_BLOCK = 1;
  static final int DEV_CHAR = 2;

  // eBPF opcodes: class | size/op | source.
  static final int LDX_MEM_W = 0x61;      // BPF_LDX | BPF_MEM | BPF_W
  static final int ALU32_AND_K = 0x54;    // BPF_ALU | BPF_AND | BPF_K
  static final int ALU32_RSH_K = 0x74;    // BPF_ALU | BPF_RSH | BPF_K
  static final int ALU32_MOV_K = 0xb4;    // BPF_ALU | BPF_MOV | BPF_K
  static final int ALU32_MOV_X = 0xbc;    // BPF_ALU | BPF_MOV | BPF_X
  static final int JMP_JEQ_K = 0x15;      // BPF_JMP | BPF_JEQ | BPF_K
  static final int JMP_JNE_K = 0x55;      // BPF_JMP | BPF_JNE | BPF_K
  static final int JMP_EXIT = 0x95;       // BPF_JMP | BPF_EXIT

  // Registers: r1 = ctx on entry, r0 = verdict; the rest hold the unpacked context.
  static final int R0 = 0;
  static final int R1 = 1;
  static final int TYPE = 2;
  static final int ACCESS = 3;
  static final int MAJOR = 4;
  static final int MINOR = 5;
  static final int SCRATCH = 6;

  private DeviceProgram() {}

  /** The program's instructions, one little-endian {@code struct bpf_insn} per long. */
  public static long[] assemble(List<DeviceRule> rules) {
    List<Long> program = new ArrayList<>();
    program.add(insn(LDX_MEM_W, TYPE, R1, 0, 0));
    program.add(insn(ALU32_AND_K, TYPE, 0, 0, 0xffff));
    program.add(insn(LDX_MEM_W, ACCESS, R1, 0, 0));
    program.add(insn(ALU32_RSH_K, ACCESS, 0, 0, 16));
    program.add(insn(LDX_MEM_W, MAJOR, R1, 4, 0));
    program.add(insn(LDX_MEM_W, MINOR, R1, 8, 0));
    for (int i = rules.size() - 1; i >= 0; i--) {
      DeviceRule rule = rules.get(i);
      program.addAll(block(rule));
      if (rule.allTypesAndNumbers() && rule.access().equals("rwm")) {
        // Matches everything: the rules before it can never decide (the verifier rejects
        // unreachable instructions), and no fallback verdict is needed.
        return program.stream().mapToLong(Long::longValue).toArray();
      }
    }
    program.add(insn(ALU32_MOV_K, R0, 0, 0, 0));
    program.add(insn(JMP_EXIT, 0, 0, 0, 0));
    return program.stream().mapToLong(Long::longValue).toArray();
  }

  /** Tests of one rule, each jumping past the block when it fails, then the verdict. */
  private static List<Long> block(DeviceRule rule) {
    List<int[]> tests = new ArrayList<>(); // {opcode, dst, imm}, all "skip the block if..."
    if (rule.type() != 'a') {
      tests.add(new int[] {JMP_JNE_K, TYPE, rule.type() == 'b' ? DEV_BLOCK : DEV_CHAR});
    }
    int mask = accessMask(rule.access());
    boolean scratch = mask != (ACC_MKNOD | ACC_READ | ACC_WRITE);
    if (rule.major() != DeviceRule.ANY) {
      tests.add(new int[] {JMP_JNE_K, MAJOR, (int) rule.major()});
    }
    if (rule.minor() != DeviceRule.ANY) {
      tests.add(new int[] {JMP_JNE_K, MINOR, (int) rule.minor()});
    }
    int length = tests.size() + (scratch ? 3 : 0) + 2;
    List<Long> out = new ArrayList<>();
    for (int[] test : tests) {
      out.add(insn(test[0], test[1], 0, length - out.size() - 1, test[2]));
    }
    if (scratch) {
      out.add(insn(ALU32_MOV_X, SCRATCH, ACCESS, 0, 0));
      if (rule.allow()) {
        // Asked-for bits the rule does not grant: any left means this rule does not allow it.
        out.add(insn(ALU32_AND_K, SCRATCH, 0, 0, ~mask & 7));
        out.add(insn(JMP_JNE_K, SCRATCH, 0, length - out.size() - 1, 0));
      } else {
        out.add(insn(ALU32_AND_K, SCRATCH, 0, 0, mask));
        out.add(insn(JMP_JEQ_K, SCRATCH, 0, length - out.size() - 1, 0));
      }
    }
    out.add(insn(ALU32_MOV_K, R0, 0, 0, rule.allow() ? 1 : 0));
    out.add(insn(JMP_EXIT, 0, 0, 0, 0));
    return out;
  }

  static int accessMask(String access) {
    int mask = 0;
    for (char c : access.toCharArray()) {
      mask |= switch (c) {
        case 'r' -> ACC_READ;
        case 'w' -> ACC_WRITE;
        case 'm' -> ACC_MKNOD;
        default -> throw new IllegalArgumentException("device access '" + access + "'");
      };
    }
    return mask;
  }

  /** struct bpf_insn { u8 code; u8 dst_reg:4, src_reg:4; s16 off; s32 imm; } on a little-endian host. */
  static long insn(int code, int dst, int src, int offset, int imm) {
    if (offset < Short.MIN_VALUE || offset > Short.MAX_VALUE) {
      throw new IllegalArgumentException("jump offset " + offset + " does not fit an instruction");
    }
    return (code & 0xffL) | ((dst & 0xfL) << 8) | ((src & 0xfL) << 12) | ((offset & 0xffffL) << 16)
        | ((imm & 0xffffffffL) << 32);
  }
}
