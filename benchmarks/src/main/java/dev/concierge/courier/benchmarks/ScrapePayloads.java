package dev.concierge.courier.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Prometheus text expositions of any number of series, grown from a real one: the node exporter 1.5.0
 * payload in this module's resources (505 samples, 285 families, text 0.0.4). Each family keeps its
 * {@code # HELP} and {@code # TYPE} lines once; its sample lines are repeated with a {@code replica} label
 * ({@code replica="0"}, {@code replica="1"}, ...) until there are enough, so every series is distinct and the
 * line shapes, names, label sets and values stay those of the real exporter. Up to 505 series the payload is
 * the first lines of the real one, unchanged.
 */
final class ScrapePayloads {
    static final String NODE_EXPORTER = "node-exporter-1.5.0.prom";

    private ScrapePayloads() {
    }

    /** An exposition of exactly {@code series} sample lines. */
    static byte[] prometheus(int series) {
        if (series < 1) {
            throw new IllegalArgumentException("series: " + series + " (expected: >= 1)");
        }
        List<List<String>> blocks = familyBlocks(resource(NODE_EXPORTER));
        int real = 0;
        for (List<String> block : blocks) {
            real += (int) block.stream().filter(line -> !line.startsWith("#")).count();
        }
        int replicas = (series + real - 1) / real;
        StringBuilder out = new StringBuilder(series * 130);
        int written = 0;
        for (List<String> block : blocks) {
            if (written == series) {
                break;
            }
            List<String> samples = new ArrayList<>();
            for (String line : block) {
                if (line.startsWith("#")) {
                    out.append(line).append('\n');
                } else {
                    samples.add(line);
                }
            }
            for (int r = 0; r < replicas && written < series; r++) {
                for (int i = 0; i < samples.size() && written < series; i++) {
                    out.append(replicas == 1 ? samples.get(i) : withReplica(samples.get(i), r)).append('\n');
                    written++;
                }
            }
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code name{a="b"} 1} becomes {@code name{replica="r",a="b"} 1}; {@code name 1}, {@code name{replica="r"} 1}. */
    private static String withReplica(String line, int replica) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        if (brace >= 0 && (space < 0 || brace < space)) {
            return line.substring(0, brace + 1) + "replica=\"" + replica + "\"," + line.substring(brace + 1);
        }
        return line.substring(0, space) + "{replica=\"" + replica + "\"}" + line.substring(space);
    }

    /** The lines split into families: a run of comment lines and the sample lines after it. */
    private static List<List<String>> familyBlocks(String text) {
        List<List<String>> blocks = new ArrayList<>();
        List<String> current = null;
        boolean inSamples = false;
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            boolean comment = line.startsWith("#");
            if (current == null || (comment && inSamples)) {
                current = new ArrayList<>();
                blocks.add(current);
            }
            current.add(line);
            inSamples = !comment;
        }
        return blocks;
    }

    private static String resource(String name) {
        try (InputStream in = ScrapePayloads.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " missing from the benchmarks jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
