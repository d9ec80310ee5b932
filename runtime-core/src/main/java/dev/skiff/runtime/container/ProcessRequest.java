package dev.skiff.runtime.container;

import java.util.List;

/**
 * The process part of a CRI ContainerConfig: command/args (merged with the image's
 * ENTRYPOINT/CMD), env as KEY=VALUE, working_dir, the user fields of its Linux security
 * context, and its stdio: {@code tty} (a pty held by the shim), {@code stdin} (the shim holds
 * the container's stdin for attach clients), {@code stdinOnce} (stdin closes when the first
 * attached client's stdin ends). Null means unset.
 */
public record ProcessRequest(
    List<String> command,
    List<String> args,
    List<String> env,
    String workingDir,
    Long runAsUser,
    String runAsUsername,
    Long runAsGroup,
    List<Long> supplementalGroups,
    SupplementalGroupsPolicy supplementalGroupsPolicy,
    boolean tty,
    boolean stdin,
    boolean stdinOnce) {

  /** CRI SupplementalGroupsPolicy: Merge adds the groups /etc/group gives the user. */
  public enum SupplementalGroupsPolicy { MERGE, STRICT }

  public ProcessRequest {
    command = command == null ? List.of() : List.copyOf(command);
    args = args == null ? List.of() : List.copyOf(args);
    env = env == null ? List.of() : List.copyOf(env);
    supplementalGroups = supplementalGroups == null ? List.of() : List.copyOf(supplementalGroups);
    supplementalGroupsPolicy = supplementalGroupsPolicy == null ? SupplementalGroupsPolicy.MERGE : supplementalGroupsPolicy;
  }

  /** Without stdin_once (kept for callers written before it existed). */
  public ProcessRequest(List<String> command, List<String> args, List<String> env, String workingDir, Long runAsUser,
      String runAsUsername, Long runAsGroup, List<Long> supplementalGroups,
      SupplementalGroupsPolicy supplementalGroupsPolicy, boolean tty, boolean stdin) {
    this(command, args, env, workingDir, runAsUser, runAsUsername, runAsGroup, supplementalGroups,
        supplementalGroupsPolicy, tty, stdin, false);
  }

  public static ProcessRequest of(List<String> command, List<String> args) {
    return new ProcessRequest(command, args, List.of(), null, null, null, null, List.of(), null, false, false, false);
  }
}
