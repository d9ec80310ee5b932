package dev.skiff.runtime.container;

/** What a seccomp rule does; the names are the shim plan's (src/main/c/seccomp.h). */
public enum SeccompAction {
  ALLOW, ERRNO, KILL_THREAD, KILL_PROCESS, TRAP, TRACE, LOG;

  /** "SCMP_ACT_ERRNO" → ERRNO; SCMP_ACT_KILL is the thread kill, as in libseccomp. */
  public static SeccompAction parse(String oci) throws ContainerException {
    if (oci == null) {
      throw ContainerException.invalid("seccomp profile: an action is missing");
    }
    return switch (oci) {
      case "SCMP_ACT_ALLOW" -> ALLOW;
      case "SCMP_ACT_ERRNO" -> ERRNO;
      case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> KILL_THREAD;
      case "SCMP_ACT_KILL_PROCESS" -> KILL_PROCESS;
      case "SCMP_ACT_TRAP" -> TRAP;
      case "SCMP_ACT_TRACE" -> TRACE;
      case "SCMP_ACT_LOG" -> LOG;
      default -> throw ContainerException.invalid("seccomp profile: action '" + oci + "' is not supported");
    };
  }

  public String ociName() {
    return "SCMP_ACT_" + name();
  }

  /** The number the action carries: errno for ERRNO (EPERM when unset, as runc does), message for TRACE. */
  int value(Integer errnoRet) {
    return switch (this) {
      case ERRNO, TRACE -> errnoRet == null ? 1 : errnoRet;
      default -> 0;
    };
  }
}
