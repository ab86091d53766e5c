package dev.concierge.courier.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes the two documents {@code scripts/bench-coprocess-peers.sh} serves to the courier and its peers
 * (collectd, the real Prometheus): {@code metrics-json-2000.json}, the Dropwizard document of
 * {@link DropwizardParserBenchmark} (2,000 metrics as {@code MetricsServlet} serves them), and
 * {@code prometheus-<series>.prom}, a text exposition of that many series grown from the node exporter's
 * ({@link ScrapePayloads}). Both are fixed bytes, so every program in a run reads the same input.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.concierge.courier.benchmarks.PeerDocuments DIR [series]</pre>
 */
public final class PeerDocuments {
    static final String DROPWIZARD = "metrics-json-2000.json";

    private PeerDocuments() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: PeerDocuments <directory> [series, default 20000]");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        int series = args.length == 2 ? Integer.parseInt(args[1]) : 20_000;
        try (InputStream in = Objects.requireNonNull(PeerDocuments.class.getResourceAsStream(DROPWIZARD),
                DROPWIZARD)) {
            Files.write(dir.resolve(DROPWIZARD), in.readAllBytes());
        }
        Files.write(dir.resolve("prometheus-" + series + ".prom"), ScrapePayloads.prometheus(series));
    }
}
