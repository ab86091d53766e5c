package dev.concierge.courier.sinks.graphite;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.settings.DurationSyntax;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.ConnectProbe;
import dev.concierge.courier.core.spi.CountsEvents;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.spi.ProbesDestination;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.sinks.graphite.GraphiteConnection.Written;
import dev.concierge.courier.sinks.graphite.GraphiteLineEncoder.Verdict;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends batches to carbon with the plaintext protocol (PROTOCOLS.md §5.1), on Netty.
 *
 * <p><b>Connections.</b> One long-lived connection per server, opened by the first batch routed to it and
 * opened again by the next batch after it broke. The sink never retries by itself: a connect that fails
 * ends the attempt with {@link DeliveryOutcome.Retry}, marks the server down for
 * {@value #DOWN_RECHECK_SECONDS} s, and the pipeline's backoff paces the next attempt, which routes around
 * it. A server is tried again once its mark has passed; when every server is marked down, the one whose mark
 * ends first is tried.
 *
 * <p><b>Routing</b> ({@link GraphiteSinkConfig.Mode}): {@code failover} writes the whole batch to the first
 * server in list order that is not marked down; {@code hash} sends each series to
 * {@code servers[fnv1a32(series) mod n]}, or the next one in list order while that one is marked down.
 *
 * <p><b>Lines.</b> {@code series value timestamp\n} with whole seconds, rendered by
 * {@link GraphiteLineEncoder}. Text values, non-finite decimals, lines longer than carbon's 16384 bytes and
 * samples whose path renders empty are skipped, never sent raw, and counted here per reason.
 *
 * <p><b>Outcome of a batch.</b> Graphite never acknowledges (FIELD-NOTES pitfall 8), so the strongest claim a
 * sender can make is that the socket took every byte:
 * <ul>
 *   <li>every line flushed, nothing skipped: {@link DeliveryOutcome.Delivered}, detail
 *       {@code written and flushed to host:port (Graphite does not acknowledge)};</li>
 *   <li>every line flushed, some samples skipped: {@link DeliveryOutcome.PartiallyRejected} with the lines
 *       written as accepted and the skipped samples as rejected, so the ledger's totals add up to the batch:
 *       a Delivered would count text that never left as delivered. All skipped, nothing written: the same,
 *       with 0 accepted;</li>
 *   <li>any server not flushed (connect failed, the connection broke before the flush completed, the write
 *       timeout passed): {@link DeliveryOutcome.Retry} for the whole batch. Lines that did reach a server are
 *       sent again; a second value for the same series and timestamp overwrites the first in whisper, so
 *       the duplicate is harmless. At least once, never fire-and-forget.</li>
 * </ul>
 * A flush that succeeded is still lost if carbon dies before reading it or before writing its cache to
 * disk; no plaintext sender can see that.
 *
 * <p><b>Threads.</b> {@link #send} renders the lines on the caller's thread and does not block; the I/O runs
 * on the sink's own Netty event loop, which {@link #close} shuts down. One batch is in flight at a time, so
 * the writes on each connection stay in order and a broken connection puts at most one batch in doubt.
 */
public final class GraphiteSink implements Sink, CountsEvents, ProbesDestination {
    private static final Logger LOG = LoggerFactory.getLogger(GraphiteSink.class);

    static final long DOWN_RECHECK_SECONDS = 30;

    private final GraphiteSinkConfig config;
    private final GraphiteLineEncoder encoder;
    private final EventLoopGroup group;
    private final List<GraphiteConnection> connections;
    private final LongSupplier nanoClock;
    private final Map<Verdict, LongAdder> skipped = new EnumMap<>(Verdict.class);
    private final StringBuilder line = new StringBuilder(256); // send() is never called concurrently

    private volatile boolean closed;

    private GraphiteSink(GraphiteSinkConfig config, LongSupplier nanoClock, Duration downRecheck) {
        this.config = config;
        this.encoder = new GraphiteLineEncoder(GraphitePathTemplate.of(config));
        this.nanoClock = nanoClock;
        this.group = new NioEventLoopGroup(1, new DefaultThreadFactory("graphite-sink-" + config.name(), true));
        EventLoop loop = group.next();
        Bootstrap bootstrap = new Bootstrap()
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        config.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true);
        List<GraphiteConnection> list = new ArrayList<>();
        for (GraphiteSinkConfig.Server server : config.servers()) {
            list.add(new GraphiteConnection(config.name(), server, loop, bootstrap, config.writeTimeout(), nanoClock,
                    downRecheck));
        }
        this.connections = List.copyOf(list);
        for (Verdict verdict : Verdict.values()) {
            if (verdict != Verdict.LINE) {
                skipped.put(verdict, new LongAdder());
            }
        }
    }

    /** A sink with its own event loop thread; nothing is connected until the first {@link #send}. */
    public static GraphiteSink create(GraphiteSinkConfig config) {
        return create(config, System::nanoTime, Duration.ofSeconds(DOWN_RECHECK_SECONDS));
    }

    /** As {@link #create(GraphiteSinkConfig)}, with the clock and the down-mark interval under test's control. */
    static GraphiteSink create(GraphiteSinkConfig config, LongSupplier nanoClock, Duration downRecheck) {
        GraphiteSink sink = new GraphiteSink(config, nanoClock, downRecheck);
        LOG.info("Graphite sink {}: servers {} ({}), template {}{}{}, {} samples per batch, connect timeout {}, "
                        + "write timeout {}", config.name(), config.serverList(), config.mode().configName(),
                config.template(), config.tags() ? " with tags" : "",
                config.prefix().isEmpty() ? "" : ", prefix " + config.prefix(), config.maxBatchSize(),
                DurationSyntax.format(config.connectTimeout()), DurationSyntax.format(config.writeTimeout()));
        return sink;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public int maxBatchSize() {
        return config.maxBatchSize();
    }

    /** Text values skipped since the sink was created: Graphite stores numbers only. */
    public long textSkipped() {
        return skipped.get(Verdict.TEXT).sum();
    }

    /** NaN and infinite values skipped since the sink was created. */
    public long nonFiniteSkipped() {
        return skipped.get(Verdict.NON_FINITE).sum();
    }

    /** Samples skipped because their line would exceed carbon's 16384 bytes. */
    public long tooLongSkipped() {
        return skipped.get(Verdict.TOO_LONG).sum();
    }

    /** Samples skipped because the template rendered an empty path for them. */
    public long emptyPathSkipped() {
        return skipped.get(Verdict.EMPTY_PATH).sum();
    }

    @Override
    public Map<String, LongSupplier> events() {
        return Map.of("text_skipped", this::textSkipped, "non_finite_skipped", this::nonFiniteSkipped,
                "too_long_skipped", this::tooLongSkipped, "empty_path_skipped", this::emptyPathSkipped);
    }

    @Override
    public CompletionStage<DeliveryOutcome> send(Batch batch) {
        if (closed) {
            return CompletableFuture.completedFuture(DeliveryOutcome.Retry.of("sink " + config.name() + " is closed"));
        }
        int servers = connections.size();
        StringBuilder[] payloads = new StringBuilder[servers];
        int[] skips = new int[Verdict.values().length];
        int lines = 0;
        long now = nanoClock.getAsLong();
        int failoverTarget = config.mode() == GraphiteSinkConfig.Mode.FAILOVER ? firstUp(0, now) : -1;
        for (Sample sample : batch.samples()) {
            line.setLength(0);
            Verdict verdict = encoder.encode(sample, line);
            if (verdict != Verdict.LINE) {
                skips[verdict.ordinal()]++;
                continue;
            }
            int target = failoverTarget >= 0 ? failoverTarget
                    : firstUp(Integer.remainderUnsigned(seriesHash(line), servers), now);
            if (payloads[target] == null) {
                payloads[target] = new StringBuilder(line.length() * (batch.size() / servers + 1));
            }
            payloads[target].append(line);
            lines++;
        }
        int skippedTotal = 0;
        for (Verdict verdict : Verdict.values()) {
            int n = skips[verdict.ordinal()];
            if (n > 0) {
                skipped.get(verdict).add(n);
                skippedTotal += n;
            }
        }
        String skipNote = skipNote(skips);
        // Text and non-finite values are what Graphite cannot store by design, not data lost on the way.
        int unsupported = skips[Verdict.TEXT.ordinal()] + skips[Verdict.NON_FINITE.ordinal()];
        if (lines == 0) {
            return CompletableFuture.completedFuture(new DeliveryOutcome.PartiallyRejected(0, skippedTotal,
                    "nothing sent: " + skipNote, unsupported));
        }
        List<CompletableFuture<Written>> writes = new ArrayList<>();
        for (int i = 0; i < servers; i++) {
            if (payloads[i] != null) {
                // Only printable ASCII and newlines: the template and encoder guarantee it.
                writes.add(connections.get(i).write(payloads[i].toString().getBytes(StandardCharsets.US_ASCII)));
            }
        }
        final int written = lines;
        final int rejected = skippedTotal;
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                .thenApply(done -> outcome(writes.stream().map(CompletableFuture::join).toList(), written, rejected,
                        unsupported, skipNote));
    }

    private static DeliveryOutcome outcome(List<Written> writes, int lines, int rejected, int unsupported,
                                           String skipNote) {
        List<String> flushedTo = new ArrayList<>();
        String firstFailure = null;
        int failures = 0;
        for (Written w : writes) {
            if (w.flushed()) {
                flushedTo.add(w.detail());
            } else {
                failures++;
                firstFailure = firstFailure == null ? w.detail() : firstFailure;
            }
        }
        if (failures > 0) {
            String which = writes.size() == 1 ? "" : "; " + failures + " of " + writes.size()
                    + " servers not flushed, the whole batch is sent again";
            return DeliveryOutcome.Retry.of(firstFailure + which);
        }
        String detail = "written and flushed to " + String.join(", ", flushedTo) + " (Graphite does not acknowledge)";
        if (rejected > 0) {
            return new DeliveryOutcome.PartiallyRejected(lines, rejected, detail + "; " + skipNote, unsupported);
        }
        return new DeliveryOutcome.Delivered(detail);
    }

    private static String skipNote(int[] skips) {
        List<String> parts = new ArrayList<>();
        for (Verdict verdict : List.of(Verdict.TEXT, Verdict.NON_FINITE, Verdict.TOO_LONG, Verdict.EMPTY_PATH)) {
            add(parts, skips[verdict.ordinal()], verdict.reason());
        }
        return parts.isEmpty() ? "" : "skipped " + String.join(", ", parts);
    }

    private static void add(List<String> parts, int count, String what) {
        if (count > 0) {
            parts.add(count + " " + what);
        }
    }

    /**
     * The first server from {@code preferred} on, in list order, that is not marked down; when all are, the
     * one whose mark ends first.
     */
    private int firstUp(int preferred, long now) {
        int n = connections.size();
        int soonest = preferred;
        for (int k = 0; k < n; k++) {
            int i = (preferred + k) % n;
            GraphiteConnection c = connections.get(i);
            if (c.isUp(now)) {
                return i;
            }
            if (c.downUntilNanos() - connections.get(soonest).downUntilNanos() < 0) {
                soonest = i;
            }
        }
        return soonest;
    }

    /** FNV-1a, 32 bits, over the series (everything before the first space); stable across runs and JVMs. */
    static int seriesHash(CharSequence line) {
        int hash = 0x811c9dc5;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == ' ') {
                break;
            }
            hash ^= c; // ASCII only, so one char is one byte
            hash *= 0x01000193;
        }
        return hash;
    }

    /** Shuts the event loop down, closing every connection, waiting up to a few seconds. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        LOG.info("Graphite sink {}: closed; skipped {} text, {} non-finite, {} too long, {} with an empty path",
                config.name(), textSkipped(), nonFiniteSkipped(), tooLongSkipped(), emptyPathSkipped());
    }

    /** A TCP connect to every server, nothing sent; true when each accepted one. See {@link ProbesDestination}. */
    @Override
    public CompletionStage<Boolean> probe() {
        CompletableFuture<Boolean> all = CompletableFuture.completedFuture(true);
        for (GraphiteSinkConfig.Server server : config.servers()) {
            all = all.thenCombine(ConnectProbe.connect(server.host(), server.port(), config.connectTimeout()),
                    Boolean::logicalAnd);
        }
        return all;
    }

}
