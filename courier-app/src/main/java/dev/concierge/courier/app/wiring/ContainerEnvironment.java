package dev.concierge.courier.app.wiring;

import dev.concierge.courier.core.spi.PluginContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whether this courier runs in a container, the sign it was found by, and whether the host name there is one no
 * Zabbix host is called. A source's {@code host} defaults to this machine's host name; Docker names a
 * container's host after its id and Kubernetes after its pod, which changes with every new pod, so inside them
 * every value would be refused. A host name set on purpose ({@code docker run --hostname app-01}) is left alone.
 *
 * @param sign       what gave the container away, for the warning ({@code /.dockerenv}); empty outside one
 * @param hostName   this machine's host name, the default {@code host}
 * @param hostNameIs what that name is when no Zabbix host would be called so ("this container's id"); empty
 *                   when it is a name someone chose, or outside a container
 */
public record ContainerEnvironment(Optional<String> sign, String hostName, Optional<String> hostNameIs) {
    // Docker's short container id, which it gives the container as its host name; the full id has 64 digits.
    private static final Pattern CONTAINER_ID = Pattern.compile("[0-9a-f]{12}|[0-9a-f]{64}");
    // Written in /proc/1/cgroup by the runtimes (cgroup v1; v2 shows only "0::/").
    private static final Pattern RUNTIME_CGROUP = Pattern.compile("docker|kubepods|containerd|libpod|lxc");

    public ContainerEnvironment {
        Objects.requireNonNull(sign, "sign");
        Objects.requireNonNull(hostName, "hostName");
        Objects.requireNonNull(hostNameIs, "hostNameIs");
    }

    /** This process's environment. */
    public static ContainerEnvironment detect() {
        return detect(Path.of("/"), System.getenv(), PluginContext.localHostName());
    }

    /**
     * The environment seen from {@code root} (the file system's root; a directory of the tests' making), with
     * {@code env} as the process environment and {@code hostName} as this machine's name. The signs, in order:
     * {@code /.dockerenv} (Docker), {@code /run/.containerenv} (Podman), {@code KUBERNETES_SERVICE_HOST} (every
     * Kubernetes pod), a container runtime in {@code /proc/1/cgroup}, and a host name that is a container id.
     */
    public static ContainerEnvironment detect(Path root, Map<String, String> env, String hostName) {
        Optional<String> sign = sign(root, env, hostName);
        Optional<String> hostNameIs = Optional.empty();
        if (sign.isPresent() && CONTAINER_ID.matcher(hostName).matches()) {
            hostNameIs = Optional.of("this container's id");
        } else if (env.get("KUBERNETES_SERVICE_HOST") != null) {
            hostNameIs = Optional.of("this pod's name, which changes with every new pod");
        }
        return new ContainerEnvironment(sign, hostName, hostNameIs);
    }

    private static Optional<String> sign(Path root, Map<String, String> env, String hostName) {
        for (String marker : new String[] {".dockerenv", "run/.containerenv"}) {
            if (Files.exists(root.resolve(marker))) {
                return Optional.of("/" + marker);
            }
        }
        if (env.get("KUBERNETES_SERVICE_HOST") != null) {
            return Optional.of("KUBERNETES_SERVICE_HOST");
        }
        try {
            Path cgroup = root.resolve("proc/1/cgroup");
            if (Files.isReadable(cgroup) && RUNTIME_CGROUP.matcher(Files.readString(cgroup)).find()) {
                return Optional.of("/proc/1/cgroup");
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: no sign from it
        }
        if (CONTAINER_ID.matcher(hostName).matches()) {
            return Optional.of("host name " + hostName + ", a container id");
        }
        return Optional.empty();
    }

    public boolean inContainer() {
        return sign.isPresent();
    }

    /** Whether a row under this machine's host name would reach Zabbix under a name no host has. */
    public boolean hostNameIsEphemeral() {
        return hostNameIs.isPresent();
    }
}
