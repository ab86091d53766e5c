package dev.concierge.courier.sinks.file;

import dev.concierge.courier.core.naming.NameEscaping;
import dev.concierge.courier.core.settings.SettingProblem;
import dev.concierge.courier.core.settings.PathAccess;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.settings.ByteSize;
import dev.concierge.courier.core.settings.Settings;
import dev.concierge.courier.core.spi.PluginContext;
import dev.concierge.courier.core.spi.RendersSamples;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.core.spi.SinkType;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code type: file}: {@code zabbix_sender -i} lines appended to a file; see {@code sample.yaml}. Renders each
 * sample as the line the sink appends, without its newline; the file is not touched.
 */
public final class FileSinkType implements SinkType<FileSinkConfig>, RendersSamples<FileSinkConfig> {

    @Override
    public String name() {
        return "file";
    }

    @Override
    public FileSinkConfig bind(Settings settings, PluginContext context) {
        int before = settings.problemCount();
        settings.expectKeys("path", "host", "fsync", "max_batch_size", "rotate_size", NameEscaping.KEY);
        String path = settings.requiredString("path");
        String host = settings.optionalString("host", null);
        String fsync = settings.optionalChoice("fsync", FileSinkConfig.Fsync.configNames(),
                FileSinkConfig.DEFAULT_FSYNC.configName());
        int maxBatchSize = settings.optionalInt("max_batch_size", 1, 100_000, FileSinkConfig.DEFAULT_MAX_BATCH_SIZE);
        ByteSize rotateSize = settings.optionalSize("rotate_size", null);
        NameEscaping nameEscaping = NameEscaping.bind(settings);
        if (rotateSize != null && rotateSize.bytes() == 0) {
            settings.problem("rotate_size", "\"" + rotateSize + "\"", "more than 0, or absent for no rotation");
        }
        Path file = null;
        if (path != null) {
            try {
                file = path.startsWith("/") ? Path.of(path) : null;
            } catch (InvalidPathException e) {
                // a NUL: reported as not a path
            }
            if (file == null) {
                settings.problem("path", '"' + path + '"', "an absolute path to a file");
            }
        }
        if (settings.problemCount() > before) {
            return null;
        }
        Path target = file;
        return settings.build(() -> new FileSinkConfig(context.name(), target, host,
                FileSinkConfig.Fsync.ofConfigName(fsync), maxBatchSize,
                rotateSize == null ? FileSinkConfig.DEFAULT_ROTATE_SIZE : rotateSize.bytes(), nameEscaping));
    }

    @Override
    public NameEscaping nameEscaping(FileSinkConfig config) {
        return config.nameEscaping();
    }

    @Override
    public String summary(FileSinkConfig config) {
        return config.path() + (config.host() == null ? "" : " as host " + config.host());
    }

    @Override
    public Sink create(FileSinkConfig config) {
        return FileSink.create(config);
    }

    /** The lines of {@link ZabbixSenderLineWriter}, which the sink appends. */
    @Override
    public void render(FileSinkConfig config, List<Sample> samples, Output out) {
        ZabbixSenderLineWriter writer = new ZabbixSenderLineWriter(config.host(), config.nameEscaping());
        StringBuilder line = new StringBuilder(128);
        for (Sample sample : samples) {
            line.setLength(0);
            ZabbixSenderLineWriter.Line verdict = writer.append(line, sample);
            if (verdict == ZabbixSenderLineWriter.Line.WRITTEN) {
                out.line(line.substring(0, line.length() - 1)); // without its newline
            } else {
                out.skipped(sample, verdict.reason());
            }
        }
    }

    /** A directory for {@code path} that this user cannot write to or create: every batch would fail. */
    @Override
    public List<SettingProblem> checkLocally(FileSinkConfig config) {
        return PathAccess.directoryProblem(config.path().getParent())
                .map(found -> List.of(SettingProblem.of("path", "a directory " + found,
                        "a directory the courier can write the file to, or create")))
                .orElse(List.of());
    }
}
