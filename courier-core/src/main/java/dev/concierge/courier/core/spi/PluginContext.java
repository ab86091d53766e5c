package dev.concierge.courier.core.spi;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What a plugin's binder may know beyond its own section.
 *
 * @param name        the entry's {@code name}, unique among sources or among sinks; null when it is missing
 *                    (the app has recorded that problem; the binder still reads the rest to report them all)
 * @param dataDir     this courier's state directory, where a plugin may keep state of its own; null when the
 *                    configuration is only checked or has none
 * @param defaultHost this machine's host name, the default Zabbix host of what a source reads
 */
public record PluginContext(String name, Path dataDir, String defaultHost) {
    public PluginContext {
        Objects.requireNonNull(defaultHost, "defaultHost");
    }

    /** A file name for this entry's own state under {@code dataDir}: its name with unsafe characters replaced. */
    public String fileSafeName() {
        return name == null ? "_" : name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** This machine's host name, resolved once; {@code localhost} when it does not resolve. */
    public static String localHostName() {
        return LocalHost.NAME;
    }

    private static final class LocalHost {
        static final String NAME = resolve();

        private static String resolve() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                return "localhost";
            }
        }
    }
}
