package dev.skiff.server.rpc.container;

import dev.skiff.cri.v1.ContainerConfig;
import dev.skiff.cri.v1.LinuxContainerSecurityContext;
import dev.skiff.cri.v1.Signal;
import dev.skiff.image.oci.OciImageConfig;
import dev.skiff.runtime.container.ContainerException;
import dev.skiff.runtime.container.DeviceRequest;
import dev.skiff.runtime.container.ImageDefaults;
import dev.skiff.runtime.container.MountRequest;
import dev.skiff.runtime.container.ProcessRequest;
import dev.skiff.runtime.container.SeccompRequest;
import dev.skiff.runtime.container.SecurityRequest;
import dev.skiff.runtime.container.StopSignal;
import dev.skiff.runtime.pod.NamespaceMode;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.state.ContainerMetadata;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** ContainerConfig (CRI) to the runtime's requests, validating as it goes. */
final class ContainerConfigs {
  private ContainerConfigs() {}

  static ContainerMetadata metadata(ContainerConfig config) {
    CriError.require(config.hasMetadata(), "config.metadata");
    String name = config.getMetadata().getName();
    CriError.require(!name.isEmpty(), "config.metadata.name");
    if (name.contains("/") || name.contains("\n") || name.length() > 253) {
      throw CriError.invalid("config.metadata.name '" + name + "' is not a valid container name");
    }
    return new ContainerMetadata(name, config.getMetadata().getAttempt());
  }

  /** The pod's log_directory joined with the container's log_path; empty when neither is set. */
  static String logPath(String podLogDirectory, String containerLogPath) {
    if (containerLogPath.isEmpty()) {
      return "";
    }
    Path relative = Path.of(containerLogPath);
    if (podLogDirectory.isEmpty()) {
      if (!relative.isAbsolute()) {
        throw CriError.invalid("log_path '" + containerLogPath + "' is relative but the pod has no log_directory");
      }
      return relative.normalize().toString();
    }
    if (relative.isAbsolute() || relative.normalize().startsWith("..")) {
      throw CriError.invalid("log_path '" + containerLogPath + "' must stay inside the pod's log_directory");
    }
    return Path.of(podLogDirectory).resolve(relative).normalize().toString();
  }

  static ProcessRequest process(ContainerConfig config) {
    LinuxContainerSecurityContext security = config.getLinux().getSecurityContext();
    List<String> env = new ArrayList<>();
    for (var kv : config.getEnvsList()) {
      if (kv.getKey().isEmpty() || kv.getKey().contains("=")) {
        throw CriError.invalid("env key '" + kv.getKey() + "' is not a valid variable name");
      }
      env.add(kv.getKey() + "=" + kv.getValue());
    }
    if (security.hasRunAsGroup() && !security.hasRunAsUser() && security.getRunAsUsername().isEmpty()) {
      throw CriError.invalid("run_as_group " + security.getRunAsGroup().getValue()
          + " is set without run_as_user or run_as_username");
    }
    var policy = switch (security.getSupplementalGroupsPolicy()) {
      case Strict -> ProcessRequest.SupplementalGroupsPolicy.STRICT;
      default -> ProcessRequest.SupplementalGroupsPolicy.MERGE;
    };
    return new ProcessRequest(config.getCommandList(), config.getArgsList(), env, emptyToNull(config.getWorkingDir()),
        security.hasRunAsUser() ? security.getRunAsUser().getValue() : null,
        emptyToNull(security.getRunAsUsername()),
        security.hasRunAsGroup() ? security.getRunAsGroup().getValue() : null,
        security.getSupplementalGroupsList(), policy, config.getTty(), config.getStdin(),
        config.getStdinOnce());
  }

  static SecurityRequest security(ContainerConfig config) {
    LinuxContainerSecurityContext security = config.getLinux().getSecurityContext();
    var caps = security.getCapabilities();
    // The CRI's repeated fields cannot say "unset": an empty list means the runtime's default paths.
    return new SecurityRequest(caps.getAddCapabilitiesList(), caps.getDropCapabilitiesList(),
        caps.getAddAmbientCapabilitiesList(), security.getPrivileged(), security.getReadonlyRootfs(),
        security.getNoNewPrivs(),
        security.getMaskedPathsCount() == 0 ? null : security.getMaskedPathsList(),
        security.getReadonlyPathsCount() == 0 ? null : security.getReadonlyPathsList(), seccomp(security));
  }

  /**
   * The seccomp field wins over the deprecated seccomp_profile_path; neither set means
   * unconfined (what kubelet sends when the pod asks for nothing, and what critest expects).
   */
  static SeccompRequest seccomp(LinuxContainerSecurityContext security) {
    if (security.hasSeccomp()) {
      var profile = security.getSeccomp();
      return switch (profile.getProfileType()) {
        case RuntimeDefault -> SeccompRequest.RUNTIME_DEFAULT;
        case Unconfined -> SeccompRequest.UNCONFINED;
        case Localhost -> {
          CriError.require(!profile.getLocalhostRef().isEmpty(), "seccomp.localhost_ref");
          yield new SeccompRequest.Localhost(profile.getLocalhostRef());
        }
        default -> throw CriError.invalid("seccomp.profile_type " + profile.getProfileTypeValue() + " is unknown");
      };
    }
    String path = security.getSeccompProfilePath();
    if (path.isEmpty() || path.equals("unconfined")) {
      return SeccompRequest.UNCONFINED;
    }
    if (path.equals("runtime/default") || path.equals("docker/default")) {
      return SeccompRequest.RUNTIME_DEFAULT;
    }
    if (path.startsWith("localhost/")) {
      return new SeccompRequest.Localhost(path.substring("localhost/".length()));
    }
    throw CriError.invalid("seccomp_profile_path '" + path
        + "' is not runtime/default, unconfined or localhost/<path>");
  }

  static List<MountRequest> mounts(ContainerConfig config) {
    List<MountRequest> mounts = new ArrayList<>();
    for (var m : config.getMountsList()) {
      CriError.require(!m.getContainerPath().isEmpty(), "mounts.container_path");
      CriError.require(!m.getHostPath().isEmpty(), "mounts.host_path of " + m.getContainerPath());
      MountRequest.Propagation propagation = switch (m.getPropagation()) {
        case PROPAGATION_HOST_TO_CONTAINER -> MountRequest.Propagation.HOST_TO_CONTAINER;
        case PROPAGATION_BIDIRECTIONAL -> MountRequest.Propagation.BIDIRECTIONAL;
        default -> MountRequest.Propagation.PRIVATE;
      };
      // As containerd and CRI-O: a recursively read-only mount must be read-only itself, and
      // private, since propagation would bring in new submounts that are writable.
      if (m.getRecursiveReadOnly() && !m.getReadonly()) {
        throw CriError.invalid("mount " + m.getContainerPath() + ": recursive_read_only needs readonly");
      }
      if (m.getRecursiveReadOnly() && propagation != MountRequest.Propagation.PRIVATE) {
        throw CriError.invalid("mount " + m.getContainerPath() + ": recursive_read_only needs propagation "
            + "PROPAGATION_PRIVATE, not " + m.getPropagation());
      }
      mounts.add(new MountRequest(m.getContainerPath(), m.getHostPath(), m.getReadonly(), m.getRecursiveReadOnly(),
          propagation, MountIdMappings.parse(m)));
    }
    return mounts;
  }

  static List<DeviceRequest> devices(ContainerConfig config) {
    List<DeviceRequest> devices = new ArrayList<>();
    for (var d : config.getDevicesList()) {
      CriError.require(!d.getHostPath().isEmpty(), "devices.host_path");
      devices.add(new DeviceRequest(d.getContainerPath(), d.getHostPath(), d.getPermissions()));
    }
    return devices;
  }

  static ImageDefaults imageDefaults(OciImageConfig image) {
    return new ImageDefaults(image.entrypoint(), image.cmd(), image.env(), emptyToNull(image.workingDir()),
        emptyToNull(image.user()), emptyToNull(image.stopSignal()));
  }

  /** The stop signal: the config's, else the image's StopSignal, else SIGTERM. */
  static int stopSignal(ContainerConfig config, OciImageConfig image) throws ContainerException {
    if (config.getStopSignal() != Signal.RUNTIME_DEFAULT && config.getStopSignal() != Signal.UNRECOGNIZED) {
      return StopSignal.parse(config.getStopSignal().name());
    }
    return StopSignal.parse(image.stopSignal());
  }

  /** The container's PID namespace choice: its own namespace options, as kubelet sends them. */
  static NamespaceMode pidMode(ContainerConfig config) {
    var options = config.getLinux().getSecurityContext().getNamespaceOptions();
    return switch (options.getPid()) {
      case POD -> NamespaceMode.POD;
      case CONTAINER -> NamespaceMode.CONTAINER;
      case NODE -> NamespaceMode.NODE;
      case TARGET -> NamespaceMode.TARGET;
      default -> throw CriError.invalid("namespace_options.pid has an unknown mode");
    };
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }
}
