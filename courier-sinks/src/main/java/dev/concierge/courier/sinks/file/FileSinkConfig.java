package dev.concierge.courier.sinks.file;

import dev.concierge.courier.core.naming.NameEscaping;
import dev.concierge.courier.core.settings.InvalidSettingsException;
import dev.concierge.courier.core.settings.SettingProblem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The configuration of one file sink; the keys of {@code sample.yaml} beside this package. Immutable;
 * {@link #of} applies the defaults, which live here and nowhere else.
 *
 * @param name         the sink's name, unique among sinks
 * @param path         the file to append to; absolute
 * @param host         the Zabbix host name to write every line for; null = each sample's own host
 * @param fsync        when to force written lines to the disk
 * @param maxBatchSize the most samples appended in one write
 * @param rotateSize   rotate the file before a write would take it past this many bytes; 0 = never rotate
 * @param nameEscaping   how Prometheus names outside the legacy set are escaped before keys, paths or lines
 *                       are rendered ({@code name_escaping}); null = {@link NameEscaping#DEFAULT}
 */
public record FileSinkConfig(String name, Path path, String host, Fsync fsync, int maxBatchSize, long rotateSize,
        NameEscaping nameEscaping) {

    /** When the sink forces what it wrote to the disk before reporting a batch delivered. */
    public enum Fsync {
        /** {@code fsync} after every batch (and the directory after creating or rotating the file). */
        EVERY_BATCH("every_batch"),
        /** Never: a batch is delivered once the operating system has it; a machine crash may lose it. */
        NONE("none");

        private final String configName;

        Fsync(String configName) {
            this.configName = configName;
        }

        /** The name in configuration files. */
        public String configName() {
            return configName;
        }

        /** The configuration names, default first. */
        public static List<String> configNames() {
            return Arrays.stream(values()).map(Fsync::configName).toList();
        }

        /** @throws IllegalArgumentException for a name not in {@link #configNames()} */
        public static Fsync ofConfigName(String name) {
            for (Fsync f : values()) {
                if (f.configName.equals(name)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("fsync: \"" + name + "\" (expected: one of "
                    + String.join(", ", configNames()) + ")");
        }
    }

    public static final Fsync DEFAULT_FSYNC = Fsync.EVERY_BATCH;
    public static final int DEFAULT_MAX_BATCH_SIZE = 1000;
    /** No rotation. */
    public static final long DEFAULT_ROTATE_SIZE = 0;

    static final int MAX_BATCH_SIZE = 100_000;
    /** ZBX_MAX_HOSTNAME_LEN. */
    static final int MAX_HOST_LENGTH = 128;

    /** With the default {@link NameEscaping#DEFAULT}. */
    public FileSinkConfig(String name, Path path, String host, Fsync fsync, int maxBatchSize, long rotateSize) {
        this(name, path, host, fsync, maxBatchSize, rotateSize, NameEscaping.DEFAULT);
    }

    /** @throws IllegalArgumentException listing every invalid field, one {@code field: found (expected: rule)} each */
    public FileSinkConfig {
        nameEscaping = nameEscaping == null ? NameEscaping.DEFAULT : nameEscaping;
        List<SettingProblem> problems = new ArrayList<>();
        if (name == null || name.isBlank()) {
            problems.add(SettingProblem.of("name", quote(name), "a non-empty name"));
        }
        if (path == null || !path.isAbsolute() || path.getFileName() == null) {
            problems.add(SettingProblem.of("path", (path == null ? "null" : quote(path.toString())), "an absolute path to a file"));
        }
        if (host != null && (host.isBlank() || host.length() > MAX_HOST_LENGTH || host.equals("-"))) {
            problems.add(SettingProblem.of("host", quote(host), "absent, or 1.." + MAX_HOST_LENGTH + " characters, ZBX_MAX_HOSTNAME_LEN, and not \"-\", which zabbix_sender replaces"));
        }
        if (fsync == null) {
            problems.add(SettingProblem.of("fsync", "null", "one of " + String.join(", ", Fsync.configNames())));
        }
        if (maxBatchSize < 1 || maxBatchSize > MAX_BATCH_SIZE) {
            problems.add(SettingProblem.of("max_batch_size", String.valueOf(maxBatchSize), "1.." + MAX_BATCH_SIZE));
        }
        if (rotateSize < 0) {
            problems.add(SettingProblem.of("rotate_size", rotateSize + " bytes", "more than 0, or absent for no rotation"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException("file sink " + quote(name), problems);
        }
    }

    /** A configuration with every default: each sample's own host, fsync every batch, 1000 samples, no rotation. */
    public static FileSinkConfig of(String name, Path path) {
        return new FileSinkConfig(name, path, null, DEFAULT_FSYNC, DEFAULT_MAX_BATCH_SIZE, DEFAULT_ROTATE_SIZE);
    }

    /** A copy that escapes Prometheus names with {@code nameEscaping}; null = the default. */
    public FileSinkConfig withNameEscaping(NameEscaping nameEscaping) {
        return new FileSinkConfig(name, path, host, fsync, maxBatchSize, rotateSize, nameEscaping);
    }

    /** A copy that writes every line for {@code host}; null = each sample's own host. */
    public FileSinkConfig withHost(String host) {
        return new FileSinkConfig(name, path, host, fsync, maxBatchSize, rotateSize, nameEscaping);
    }

    public FileSinkConfig withFsync(Fsync fsync) {
        return new FileSinkConfig(name, path, host, fsync, maxBatchSize, rotateSize, nameEscaping);
    }

    public FileSinkConfig withMaxBatchSize(int maxBatchSize) {
        return new FileSinkConfig(name, path, host, fsync, maxBatchSize, rotateSize, nameEscaping);
    }

    /** A copy that rotates at {@code rotateSize} bytes; 0 = never. */
    public FileSinkConfig withRotateSize(long rotateSize) {
        return new FileSinkConfig(name, path, host, fsync, maxBatchSize, rotateSize, nameEscaping);
    }

    private static String quote(String s) {
        return s == null ? "null" : '"' + s + '"';
    }
}
