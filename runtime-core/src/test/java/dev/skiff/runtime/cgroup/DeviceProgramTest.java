package dev.skiff.runtime.cgroup;

import static dev.skiff.runtime.cgroup.DeviceRule.ANY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs the assembled programs on a small eBPF interpreter (the instructions the assembler
 * emits, nothing more; anything else fails the test) and compares the verdicts with the
 * rules' meaning. The real kernel's verifier and hook are exercised by DeviceCgroupKernelIT.
 */
class DeviceProgramTest {
  private static final int R = DeviceProgram.ACC_READ;
  private static final int W = DeviceProgram.ACC_WRITE;
  private static final int M = DeviceProgram.ACC_MKNOD;

  @Test
  void defaultsAllowTheStandardNodesAndMknodOnly() {
    long[] program = DeviceProgram.assemble(DeviceRule.DEFAULTS);
    assertTrue(allows(program, 'c', 1, 3, R | W), "/dev/null read+write");
    assertTrue(allows(program, 'c', 1, 9, R), "/dev/urandom");
    assertTrue(allows(program, 'c', 136, 7, R | W), "/dev/pts/7");
    assertTrue(allows(program, 'c', 5, 2, R | W), "/dev/ptmx");
    assertTrue(allows(program, 'b', 8, 0, M), "mknod of any block device");
    assertFalse(allows(program, 'b', 8, 0, R), "read of /dev/sda");
    assertFalse(allows(program, 'b', 8, 0, R | M), "read and mknod of /dev/sda together");
    assertFalse(allows(program, 'c', 10, 237, R), "/dev/loop-control");
    assertFalse(allows(program, 'c', 1, 1, R), "/dev/mem");
    assertFalse(allows(program, 'c', 1, 2, R), "a minor next to an allowed one");
  }

  @Test
  void partialAccessGrantsOnlyWhatItNames() {
    List<DeviceRule> rules = new ArrayList<>(DeviceRule.DEFAULTS);
    rules.add(DeviceRule.allow('b', 7, 0, "r"));
    long[] program = DeviceProgram.assemble(rules);
    assertTrue(allows(program, 'b', 7, 0, R));
    assertFalse(allows(program, 'b', 7, 0, W));
    assertFalse(allows(program, 'b', 7, 0, R | W), "an open for read and write needs both");
    assertFalse(allows(program, 'c', 7, 0, R), "the type must match");
    assertFalse(allows(program, 'b', 7, 1, R));
  }

  @Test
  void laterRulesOverrideEarlierOnes() {
    long[] program = DeviceProgram.assemble(List.of(DeviceRule.allowAll(),
        new DeviceRule(false, 'c', 1, ANY, "w"), DeviceRule.allow('c', 1, 3, "w")));
    assertTrue(allows(program, 'b', 8, 0, R | W), "everything else stays allowed");
    assertTrue(allows(program, 'c', 1, 5, R), "the deny takes only write");
    assertFalse(allows(program, 'c', 1, 5, W));
    assertFalse(allows(program, 'c', 1, 5, R | W), "a deny of any asked-for access denies");
    assertTrue(allows(program, 'c', 1, 3, W), "the last rule gives write back to 1:3");
  }

  @Test
  void noRulesDenyEverything() {
    long[] program = DeviceProgram.assemble(List.of());
    assertFalse(allows(program, 'c', 1, 3, R));
    assertEquals(8, program.length, "six loads of the context, then deny");
  }

  @Test
  void instructionEncodingIsTheKernelsLayout() {
    // r2 = *(u32 *)(r1 + 4): code 0x61, dst 2, src 1, off 4 → bytes 61 12 04 00 00 00 00 00
    assertEquals(0x0000000000041261L, DeviceProgram.insn(0x61, 2, 1, 4, 0));
    // r0 = 1 (alu32 mov): b4 00 00 00 01 00 00 00
    assertEquals(0x00000001000000b4L, DeviceProgram.insn(0xb4, 0, 0, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> DeviceProgram.insn(0x55, 2, 0, 40000, 0));
  }

  @Test
  void rulesRejectBadPermissionsAndTypes() {
    assertEquals("rwm", DeviceRule.canonicalAccess("mwr"));
    assertEquals("rwm", DeviceRule.canonicalAccess(""));
    assertEquals("rw", DeviceRule.canonicalAccess("wr"));
    assertThrows(IllegalArgumentException.class, () -> DeviceRule.canonicalAccess("rx"));
    assertThrows(IllegalArgumentException.class, () -> DeviceRule.allow('p', 1, 3, "r"));
    assertEquals("c 136:* rwm", DeviceRule.allow('c', 136, ANY, "rwm").v1Line());
    assertEquals("a *:* rwm", DeviceRule.deny().v1Line());
  }

  @Test
  void everyInstructionIsReachableAsTheVerifierDemands() {
    List<DeviceRule> withCriDevice = new ArrayList<>(DeviceRule.DEFAULTS);
    withCriDevice.add(DeviceRule.allow('c', 1, 3, "r"));
    for (List<DeviceRule> rules : List.of(DeviceRule.DEFAULTS, withCriDevice, List.of(DeviceRule.allowAll()),
        List.of(DeviceRule.deny(), DeviceRule.allowAll(), DeviceRule.allow('b', 7, 0, "r")), List.<DeviceRule>of())) {
      long[] program = DeviceProgram.assemble(rules);
      boolean[] reached = new boolean[program.length];
      java.util.ArrayDeque<Integer> todo = new java.util.ArrayDeque<>(List.of(0));
      while (!todo.isEmpty()) {
        int pc = todo.pop();
        if (pc >= program.length || reached[pc]) {
          assertTrue(pc < program.length, "falls off the end: " + rules);
          continue;
        }
        reached[pc] = true;
        int code = (int) (program[pc] & 0xff);
        if (code == DeviceProgram.JMP_EXIT) {
          continue;
        }
        todo.push(pc + 1);
        if (code == DeviceProgram.JMP_JEQ_K || code == DeviceProgram.JMP_JNE_K) {
          todo.push(pc + 1 + (short) ((program[pc] >>> 16) & 0xffff));
        }
      }
      for (int pc = 0; pc < program.length; pc++) {
        assertTrue(reached[pc], "instruction " + pc + " unreachable for " + rules);
      }
    }
  }

  private static boolean allows(long[] program, char type, long major, long minor, int access) {
    int typeBits = type == 'b' ? DeviceProgram.DEV_BLOCK : DeviceProgram.DEV_CHAR;
    int[] ctx = {(access << 16) | typeBits, (int) major, (int) minor};
    long verdict = run(program, ctx);
    assertTrue(verdict == 0 || verdict == 1, "verdict " + verdict);
    return verdict == 1;
  }

  /** Executes the program with r1 = ctx; returns r0 at exit. */
  private static long run(long[] program, int[] ctx) {
    long[] reg = new long[11];
    boolean[] set = new boolean[11];
    set[1] = true;
    int pc = 0;
    for (int steps = 0; steps < 10_000; steps++) {
      if (pc < 0 || pc >= program.length) {
        throw new AssertionError("jumped out of the program to " + pc);
      }
      long insn = program[pc++];
      int code = (int) (insn & 0xff);
      int dst = (int) ((insn >>> 8) & 0xf);
      int src = (int) ((insn >>> 12) & 0xf);
      short off = (short) ((insn >>> 16) & 0xffff);
      int imm = (int) (insn >>> 32);
      switch (code) {
        case DeviceProgram.LDX_MEM_W -> {
          assertEquals(1, src, "loads only from the context");
          assertTrue(off % 4 == 0 && off >= 0 && off < 12, "context offset " + off);
          reg[dst] = ctx[off / 4] & 0xffffffffL;
        }
        case DeviceProgram.ALU32_AND_K -> reg[dst] = (reg[dst] & imm) & 0xffffffffL;
        case DeviceProgram.ALU32_RSH_K -> reg[dst] = ((reg[dst] & 0xffffffffL) >>> imm) & 0xffffffffL;
        case DeviceProgram.ALU32_MOV_K -> reg[dst] = imm & 0xffffffffL;
        case DeviceProgram.ALU32_MOV_X -> {
          assertTrue(set[src], "r" + src + " read before written");
          reg[dst] = reg[src] & 0xffffffffL;
        }
        case DeviceProgram.JMP_JEQ_K -> pc += reg[dst] == (long) imm ? off : 0;
        case DeviceProgram.JMP_JNE_K -> pc += reg[dst] != (long) imm ? off : 0;
        case DeviceProgram.JMP_EXIT -> {
          assertTrue(set[0], "r0 unset at exit");
          return reg[0];
        }
        default -> throw new AssertionError("unexpected opcode 0x" + Integer.toHexString(code));
      }
      if (code != DeviceProgram.JMP_JEQ_K && code != DeviceProgram.JMP_JNE_K) {
        boolean writesOnly = code == DeviceProgram.LDX_MEM_W || code == DeviceProgram.ALU32_MOV_K
            || code == DeviceProgram.ALU32_MOV_X;
        assertTrue(writesOnly || set[dst], "r" + dst + " used before written");
        set[dst] = true;
      } else {
        assertTrue(set[dst], "r" + dst + " compared before written");
      }
    }
    throw new AssertionError("no exit within 10000 steps");
  }
}
