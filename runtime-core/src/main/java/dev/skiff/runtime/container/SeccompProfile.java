package dev.skiff.runtime.container;

import java.util.List;

/**
 * A seccomp filter resolved for one container: the profile's conditional parts (by
 * capability, architecture, kernel) already decided, one rule per syscall name. Written
 * into config.json's linux.seccomp and into the shim's plan.
 *
 * @param architectures OCI names (SCMP_ARCH_X86_64...)
 */
public record SeccompProfile(SeccompAction defaultAction, int defaultValue, List<String> architectures,
    List<Rule> rules) {

  public SeccompProfile {
    architectures = List.copyOf(architectures);
    rules = List.copyOf(rules);
  }

  /** @param value errno (ERRNO) or message (TRACE), else 0 */
  public record Rule(String syscall, SeccompAction action, int value, List<Arg> args) {
    public Rule {
      args = List.copyOf(args);
    }
  }

  /** @param op NE LT LE EQ GE GT MASKED_EQ (for MASKED_EQ, value is the mask) */
  public record Arg(int index, String op, long value, long valueTwo) {}
}
