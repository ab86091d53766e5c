package dev.concierge.courier.sinks.zabbix;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.settings.DurationSyntax;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.ConnectProbe;
import dev.concierge.courier.core.spi.CountsEvents;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.spi.ProbesDestination;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.sinks.zabbix.client.ZabbixClient;
import dev.concierge.courier.sinks.zabbix.client.ZabbixClientConfig;
import dev.concierge.courier.sinks.zabbix.client.ZabbixExchange;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest;
import dev.concierge.courier.sinks.zabbix.client.ZabbixTlsConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.zip.Deflater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends batches to a Zabbix server or proxy with the sender protocol (PROTOCOLS.md §1), on Netty.
 *
 * <p><b>Frames.</b> A batch becomes one or more frames: one host per frame (a proxy group routes a request by
 * its first row's host), at most {@code max_rows_per_frame} rows each, rows ordered by time. Each frame is
 * one request on one TCP connection of the sink's {@link ZabbixClient}, since the trapper closes after its
 * reply; at most {@code max_in_flight} connections are open at once across all batches (the client's
 * connection slots), the rest wait their turn. Non-finite decimals are skipped: Zabbix
 * has no representation for them. So are rows whose key is longer than {@value #MAX_KEY_CHARACTERS} or whose
 * host is longer than {@value #MAX_HOST_CHARACTERS} characters: no Zabbix item or host can have them, and the
 * server would count them failed. Both are counted as rejected in the outcome, and in
 * {@link #nonFiniteSkipped()} and {@link #oversizedSkipped()}.
 *
 * <p><b>Outcome of a batch.</b>
 * <ul>
 *   <li>Every frame {@code success} with {@code failed: 0}: {@link DeliveryOutcome.Delivered} carrying the
 *       server's info.</li>
 *   <li>Every frame answered, some rows failed or skipped, or some frames refused with
 *       {@code response: failed}: {@link DeliveryOutcome.PartiallyRejected} with the counts. Failed rows are
 *       never resent: unknown hosts and keys do not fix themselves. Created with a {@link ZabbixApiConfig},
 *       the sink first asks the API why ({@link ZabbixRefusalReasons}) and the detail, which the ledger
 *       records, ends with a reason per refused value.</li>
 *   <li>Every frame refused with {@code response: failed}: {@link DeliveryOutcome.Rejected} with the info.</li>
 *   <li>Any frame with an unknown outcome (connection refused or timed out, no reply within the read
 *       timeout, reset, input ended before a complete reply, a reply that is not a Zabbix frame or not
 *       JSON, counts that do not add up to the rows sent, server shutting down):
 *       {@link DeliveryOutcome.Retry}, for the whole batch. Its detail names the server, how many of the
 *       frames had no answer, the first frame's cause, and the rows and hosts of those frames: the
 *       pipeline's one WARN line per failed attempt prints it, so the sink logs each frame at DEBUG only.</li>
 * </ul>
 *
 * <p><b>Partial retries.</b> The outcome has no way to settle part of a batch, and losing rows is worse than
 * sending them twice, so one frame needing a retry makes the batch a Retry. To keep the duplicates bounded,
 * the sink remembers, per batch id, which frames (by their exact rows) the server already answered; when
 * the pipeline sends the same batch again those frames are not sent again and their earlier counts go into
 * the final outcome. This memory holds the last {@value #SETTLED_BATCHES_REMEMBERED} retried batches; a batch
 * that falls out of it, or comes back with other rows, is simply sent in full. A duplicate that does reach
 * Zabbix carries the same {@code clock} and {@code ns}, so the history table's key drops it.
 *
 * <p><b>HA clusters and proxy groups.</b> {@code server} may list the nodes of an HA cluster; the client
 * sends to the node that answered last and passes over one that refuses the connection (a standby). While no
 * node answers, every frame fails at connect, nothing was sent, and the batch is a Retry: the pipeline backs
 * off and keeps it, so a failover loses nothing inside the retry budget. A 7.0 proxy group's redirect is
 * followed once and remembered per host by the client ({@link ZabbixClient}); a redirect that cannot be
 * followed is a Retry whose detail starts with {@code redirect:}. When a node answers again after an outage,
 * the frames acknowledged in the {@link #FAILOVER_RESEND_WINDOW} before it are sent again, since a node that
 * died may not have written them ({@link ZabbixFailoverResend}); counted as {@code failover_rows_resent}.
 *
 * <p><b>TLS.</b> With {@code tls.connect: psk} the handshake uses the pre-shared key instead (TLS 1.3 or 1.2,
 * on Bouncy Castle; a wrong identity or key is a Retry starting with {@code TLS handshake:}). With
 * {@code tls.connect: cert} the client starts every connection with a full TLS handshake
 * (Zabbix offers no session resumption, PROTOCOLS.md §1.8), presenting the sink's certificate and checking
 * the server's as {@link ZabbixTlsConfig} describes. A handshake that fails (an untrusted server certificate,
 * an issuer or subject mismatch, the server refusing the sink's certificate) is a Retry whose detail starts
 * with {@code TLS handshake:}: nothing was sent. A host whose "Connections from host" does not allow the
 * connection type is a different case: Zabbix completes the handshake and counts the rows as failed.
 *
 * <p><b>Discovery.</b> Created with a {@link ZabbixDiscoveryConfig}, the sink also feeds trapper LLD rules
 * (keys in {@link LldSeries}) from the samples it sends, through an {@link LldTracker}: a rule's complete
 * value goes first, each in a frame of its own, and the batch's values only once it is answered (a value
 * frame with no trustworthy answer makes the batch a Retry). Rows of series discovered within
 * {@code hold} go in frames of their own, so that a {@code failed} count on such a frame can only mean
 * "no item yet"; those frames wait in an {@link LldHoldQueue} and the batch's outcome completes with their
 * final answers. Everything else is as without discovery.
 *
 * <p><b>Threads.</b> {@link #send} does not block: it builds the rows on the caller's thread, each keeping its
 * sample and the length of its key, no text; each frame's JSON, item keys and values included, is rendered on
 * the one event loop thread of the sink's own client once its connection is up, straight into a pooled
 * buffer, and the I/O runs there too. {@link #close} closes the client. The returned stage always completes
 * normally, within the connect timeout plus the read timeout of each frame's turn.
 */
public final class ZabbixSink implements Sink, CountsEvents, ProbesDestination {
    private static final Logger LOG = LoggerFactory.getLogger(ZabbixSink.class);

    static final int SETTLED_BATCHES_REMEMBERED = 64;
    /**
     * How far back frames acknowledged before an outage are sent again: well past the history syncers'
     * one-second pass, with room for a slow database ({@link ZabbixFailoverResend}).
     */
    static final Duration FAILOVER_RESEND_WINDOW = Duration.ofSeconds(5);
    /** The most rows kept for that; past it the oldest frames are not sent again. */
    static final int FAILOVER_RESEND_MAX_ROWS = 100_000;
    /**
     * And the most bytes, by the rows' estimate (each keeps its sample alive): a thirty-second of the heap, at most
     * 8 MiB; 2 MiB under the sidecar profile's 64 MiB heap, about 4,500 rows of a node exporter's series, so from
     * about a thousand rows a second on this bound, not the window, decides how far back a resend reaches. Per
     * sink: three sinks at 8 MiB each did not fit a 64 MiB heap beside their memory windows and batches.
     */
    static final long FAILOVER_RESEND_MAX_BYTES = Math.min(8L << 20, Runtime.getRuntime().maxMemory() / 32);
    /** {@code ZBX_ITEM_KEY_LEN}: the longest item key, in characters. */
    static final int MAX_KEY_CHARACTERS = 2048;
    /** {@code ZBX_MAX_HOSTNAME_LEN}: the longest host name, in characters. */
    static final int MAX_HOST_CHARACTERS = 128;
    /** Why a row {@link #exceedsLimits}, in outcome details and {@code courier test}. */
    static final String OVERSIZED = "a key over " + MAX_KEY_CHARACTERS + " or a host over " + MAX_HOST_CHARACTERS
            + " characters";

    private final ZabbixSinkConfig config;
    private final ZabbixClient client;
    private final ZabbixFailoverResend resend;
    private final ZabbixRefusalReasons reasons; // null: no api configured
    private final LongAdder nonFiniteSkipped = new LongAdder();
    private final LongAdder oversizedSkipped = new LongAdder();
    private final AtomicBoolean oversizedReported = new AtomicBoolean();

    // batch id -> frames (by rows) already answered in an earlier attempt; guarded by itself
    private final Map<Long, Map<List<Row>, ZabbixFrameResult>> settled = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Map<List<Row>, ZabbixFrameResult>> eldest) {
            return size() > SETTLED_BATCHES_REMEMBERED;
        }
    };

    // Automatic discovery; both null when it is off.
    private final LldTracker lld;
    private final LldHoldQueue hold;
    private final Clock clock;

    private volatile boolean closed;

    private ZabbixSink(ZabbixSinkConfig config, ZabbixDiscoveryConfig discovery, ZabbixApiConfig api, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.reasons = api == null ? null : new ZabbixRefusalReasons(api, clock);
        // One event loop thread: it renders, compresses and does the I/O of every frame.
        this.client = ZabbixClient.create(ZabbixClientConfig.of(config.servers(), config.connectTimeout(),
                        config.readTimeout())
                .withCompression(config.compression(), Deflater.DEFAULT_COMPRESSION)
                .withMaxConnections(config.maxInFlight())
                .withThreads(1, "zabbix-sink-" + config.name())
                .withTls(config.tls()));
        this.resend = new ZabbixFailoverResend(FAILOVER_RESEND_WINDOW, FAILOVER_RESEND_MAX_ROWS,
                FAILOVER_RESEND_MAX_BYTES, clock);
        this.lld = discovery == null ? null : new LldTracker(config.name(), discovery, clock.instant());
        this.hold = discovery == null ? null : new LldHoldQueue(config.name(), discovery.hold(),
                discovery.holdMaxBytes(), frame -> exchange(ZabbixSenderRequest.of(frame, clock.instant())),
                client.scheduler());
    }

    /**
     * A sink with its own event loop thread; nothing is connected until the first {@link #send}. Reads the
     * TLS files, if any.
     *
     * @throws IllegalArgumentException when a TLS file is unusable, listing {@link ZabbixTlsConfig#fileProblems()}
     */
    public static ZabbixSink create(ZabbixSinkConfig config) {
        return create(config, null);
    }

    /** As {@link #create(ZabbixSinkConfig)}, with automatic discovery unless {@code discovery} is null. */
    public static ZabbixSink create(ZabbixSinkConfig config, ZabbixDiscoveryConfig discovery) {
        return create(config, discovery, null, Clock.systemUTC());
    }

    /**
     * As {@link #create(ZabbixSinkConfig, ZabbixDiscoveryConfig)}; with {@code api}, the values Zabbix
     * refuses get a reason each ({@link ZabbixRefusalReasons}) in the outcome's detail, and so in the ledger.
     */
    public static ZabbixSink create(ZabbixSinkConfig config, ZabbixDiscoveryConfig discovery, ZabbixApiConfig api) {
        return create(config, discovery, api, Clock.systemUTC());
    }

    static ZabbixSink create(ZabbixSinkConfig config, ZabbixDiscoveryConfig discovery, Clock clock) {
        return create(config, discovery, null, clock);
    }

    static ZabbixSink create(ZabbixSinkConfig config, ZabbixDiscoveryConfig discovery, ZabbixApiConfig api,
                             Clock clock) {
        ZabbixSink sink = new ZabbixSink(config, discovery, api, clock);
        LOG.info("Zabbix sink {}: server {}, host {}, {} rows per frame, {} connections, connect timeout {}, "
                        + "read timeout {}, compression {}, TLS {}", config.name(), config.server(),
                config.host() == null ? "from each sample" : config.host(), config.maxRowsPerFrame(),
                config.maxInFlight(), DurationSyntax.format(config.connectTimeout()),
                DurationSyntax.format(config.readTimeout()), config.compression(),
                config.tls().summary());
        if (discovery != null) {
            LOG.info("Zabbix sink {}: discovery on, a value per rule at most every {}, series forgotten after {}, "
                            + "values for new series held up to {} and {} bytes, state {}", config.name(),
                    discovery.minInterval(), discovery.forgetAfter(), discovery.hold(), discovery.holdMaxBytes(),
                    discovery.stateFile() == null ? "in memory" : discovery.stateFile());
        }
        return sink;
    }

    @Override
    public String name() {
        return config.name();
    }

    /** Enough rows to fill every connection once with a single host's frames. */
    @Override
    public int maxBatchSize() {
        return config.maxRowsPerFrame() * config.maxInFlight();
    }

    @Override
    public int maxInFlight() {
        return config.maxInFlight();
    }

    /** Skips by reason and, with discovery on, what {@link #discoveryStats()} counts. */
    @Override
    public Map<String, LongSupplier> events() {
        Map<String, LongSupplier> events = new LinkedHashMap<>();
        events.put("non_finite_skipped", this::nonFiniteSkipped);
        events.put("oversized_skipped", this::oversizedSkipped);
        events.put("failover_rows_resent", resend::rowsResent);
        if (lld != null) {
            events.put("discovery_values_sent", () -> discoveryStats().valuesSent());
            events.put("discovery_values_refused", () -> discoveryStats().valuesRefused());
            events.put("discovery_frames_held", () -> discoveryStats().framesHeld());
            events.put("discovery_rows_resent", () -> discoveryStats().rowsResent());
            events.put("discovery_rows_accepted_late", () -> discoveryStats().rowsAcceptedLate());
            events.put("discovery_rows_refused_after_hold", () -> discoveryStats().rowsRefusedAfterHold());
            events.put("discovery_frames_overflowed", () -> discoveryStats().framesOverflowed());
        }
        return events;
    }

    /** Non-finite decimals skipped since the sink was created. */
    public long nonFiniteSkipped() {
        return nonFiniteSkipped.sum();
    }

    /** Rows skipped since the sink was created for a key or host longer than Zabbix allows. */
    public long oversizedSkipped() {
        return oversizedSkipped.sum();
    }

    @Override
    public CompletionStage<DeliveryOutcome> send(Batch batch) {
        if (closed) {
            return CompletableFuture.completedFuture(DeliveryOutcome.Retry.of("sink " + config.name() + " is closed"));
        }
        List<Row> rows = new ArrayList<>(batch.size());
        List<Sample> kept = lld == null ? null : new ArrayList<>(batch.size());
        int nonFinite = 0;
        int oversized = 0;
        for (Sample sample : batch.samples()) {
            if (sample.value() instanceof SampleValue.Decimal d && !d.isFinite()) {
                nonFinite++;
                continue;
            }
            // Keys and discovery macros are both made from the escaped sample, so that they agree.
            Sample named = config.nameEscaping().apply(sample);
            Row row = Row.of(named, config.host());
            if (oversized(row)) {
                oversized++;
                continue;
            }
            rows.add(row);
            if (kept != null) {
                kept.add(named);
            }
        }
        Skips skipped = new Skips(nonFinite, oversized);
        if (nonFinite > 0) {
            nonFiniteSkipped.add(nonFinite);
            LOG.debug("Zabbix sink {}: batch {} skips {} non-finite values", config.name(), batch.id(), nonFinite);
        }
        if (oversized > 0) {
            oversizedSkipped.add(oversized);
        }
        if (rows.isEmpty()) {
            return CompletableFuture.completedFuture(new DeliveryOutcome.PartiallyRejected(0, skipped.total(),
                    "none sent" + skipped.note()));
        }
        if (lld != null) {
            return sendWithDiscovery(batch.id(), kept, rows, skipped);
        }
        List<List<Row>> frames = frames(rows);
        Map<List<Row>, ZabbixFrameResult> earlier = settledEarlier(batch.id());
        Instant now = clock.instant();
        List<CompletableFuture<ZabbixFrameResult>> results = new ArrayList<>(frames.size());
        for (List<Row> frame : frames) {
            ZabbixFrameResult answered = earlier.get(frame);
            results.add(answered != null ? CompletableFuture.completedFuture(answered)
                    : exchange(ZabbixSenderRequest.of(frame, now)));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenCompose(done -> combineWithReasons(batch.id(), frames,
                        results.stream().map(CompletableFuture::join).toList(), skipped));
    }

    /**
     * {@link #combine}, after asking the API why the frames with failures had them, when there is an API;
     * the reasons go at the end of the outcome's detail.
     */
    private CompletionStage<DeliveryOutcome> combineWithReasons(long batchId, List<List<Row>> frames,
                                                                List<ZabbixFrameResult> results, Skips skipped) {
        List<CompletableFuture<Map<Row, String>>> asked = new ArrayList<>();
        if (reasons != null) {
            for (int i = 0; i < frames.size(); i++) {
                if (results.get(i).kind() == ZabbixFrameResult.Kind.PROCESSED && results.get(i).failed() > 0) {
                    asked.add(reasons.reasons(frames.get(i)));
                }
            }
        }
        if (asked.isEmpty()) {
            return CompletableFuture.completedFuture(combine(batchId, frames, results, skipped));
        }
        return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).thenApply(done -> {
            DeliveryOutcome outcome = combine(batchId, frames, results, skipped);
            if (!(outcome instanceof DeliveryOutcome.PartiallyRejected partial)) {
                return outcome;
            }
            Map<Row, String> all = new LinkedHashMap<>();
            asked.forEach(f -> all.putAll(f.join()));
            return new DeliveryOutcome.PartiallyRejected(partial.accepted(), partial.rejected(),
                    partial.detail() + reasonsNote(all));
        });
    }

    /** {@code ; refused: no such item: web-01 app.x; item disabled: ...}, at most ten values per reason. */
    static String reasonsNote(Map<Row, String> reasons) {
        if (reasons.isEmpty()) {
            return "";
        }
        Map<String, List<Row>> byReason = new LinkedHashMap<>();
        String apiProblem = null;
        for (Map.Entry<Row, String> entry : reasons.entrySet()) {
            if (entry.getKey() == null) {
                apiProblem = entry.getValue();
            } else {
                byReason.computeIfAbsent(entry.getValue(), r -> new ArrayList<>()).add(entry.getKey());
            }
        }
        StringBuilder note = new StringBuilder();
        if (!byReason.isEmpty()) {
            note.append("; refused:");
            byReason.forEach((reason, rows) -> {
                note.append(' ').append(reason).append(':');
                for (int i = 0; i < Math.min(10, rows.size()); i++) {
                    Row row = rows.get(i);
                    note.append(i == 0 ? " " : ", ").append(row.host()).append(' ').append(row.key());
                    if (reason.startsWith("value of the wrong type")) {
                        String value = row.value();
                        note.append(" = \"").append(value.length() > 40 ? value.substring(0, 40) + "..." : value)
                                .append('"');
                    }
                }
                if (rows.size() > 10) {
                    note.append(" and ").append(rows.size() - 10).append(" more");
                }
                note.append(';');
            });
            note.setLength(note.length() - 1);
        }
        if (apiProblem != null) {
            note.append("; no reasons: ").append(apiProblem);
        }
        return note.toString();
    }

    /** Discovery values first, then the values: established series' frames and new series' frames apart. */
    private CompletionStage<DeliveryOutcome> sendWithDiscovery(long batchId, List<Sample> samples, List<Row> rows,
                                                               Skips skipped) {
        List<LldTracker.Due> due = lld.observe(samples, rows, clock.instant());
        return sendDiscovery(due).thenCompose(unanswered -> {
            if (unanswered != null) {
                return CompletableFuture.completedFuture(DeliveryOutcome.Retry.of(config.server()
                        + ": discovery value not delivered ahead of the values: " + unanswered));
            }
            Instant at = clock.instant();
            List<Row> established = new ArrayList<>(rows.size());
            List<Row> fresh = new ArrayList<>();
            for (Row row : rows) {
                (lld.isNew(row, at) ? fresh : established).add(row);
            }
            List<List<Row>> frames = new ArrayList<>(frames(established));
            int firstFresh = frames.size();
            frames.addAll(frames(fresh));
            Map<List<Row>, ZabbixFrameResult> earlier = settledEarlier(batchId);
            Instant now = clock.instant();
            List<CompletableFuture<ZabbixFrameResult>> results = new ArrayList<>(frames.size());
            for (int i = 0; i < frames.size(); i++) {
                List<Row> frame = frames.get(i);
                ZabbixFrameResult answered = earlier.get(frame);
                if (answered != null) {
                    results.add(CompletableFuture.completedFuture(answered));
                } else if (i < firstFresh) {
                    results.add(exchange(ZabbixSenderRequest.of(frame, now)));
                } else {
                    results.add(exchange(ZabbixSenderRequest.of(frame, now)).thenCompose(r ->
                            r.kind() == ZabbixFrameResult.Kind.PROCESSED && r.failed() > 0 ? hold.hold(frame, r)
                                    : CompletableFuture.completedFuture(r)));
                }
            }
            return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                    .thenApply(done -> combine(batchId, frames, results.stream().map(CompletableFuture::join).toList(),
                            skipped));
        });
    }

    /**
     * Sends each due LLD value in a frame of its own, so a failed count names its rule. Completes with null
     * when every frame was answered, else with the first frame's trouble.
     */
    private CompletableFuture<String> sendDiscovery(List<LldTracker.Due> due) {
        if (due.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Instant now = clock.instant();
        List<CompletableFuture<String>> answers = new ArrayList<>(due.size());
        for (LldTracker.Due value : due) {
            Row row = new Row(value.host(), value.ruleKey(), value.value(), now.getEpochSecond(), now.getNano());
            answers.add(exchange(ZabbixSenderRequest.of(List.of(row), now)).thenApply(r -> {
                switch (r.kind()) {
                    case PROCESSED -> {
                        if (r.failed() == 0) {
                            lld.sent(value, clock.instant());
                        } else {
                            lld.refused(value, clock.instant(), r.detail());
                        }
                        return null;
                    }
                    case REJECTED -> {
                        lld.refused(value, clock.instant(), r.detail());
                        return null;
                    }
                    default -> {
                        lld.unanswered(value);
                        return r.detail();
                    }
                }
            }));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(done -> answers.stream()
                .map(CompletableFuture::join).filter(Objects::nonNull).findFirst().orElse(null));
    }

    /** What discovery did since the sink started; all zero when it is off. */
    public ZabbixDiscoveryStats discoveryStats() {
        if (lld == null) {
            return new ZabbixDiscoveryStats(0, 0, 0, 0, 0, 0, 0);
        }
        return new ZabbixDiscoveryStats(lld.valuesSent(), lld.valuesRefused(), hold.framesHeld(), hold.rowsResent(),
                hold.rowsAcceptedLate(), hold.rowsRefusedAfterHold(), hold.framesOverflowed());
    }

    /** One host per frame, hosts in order of first appearance, rows by time, at most max rows each. */
    private List<List<Row>> frames(List<Row> rows) {
        int max = config.maxRowsPerFrame();
        if (oneHost(rows) && ZabbixSenderRequest.inTimeOrder(rows)) {
            // The common case, a configured host or one scraped host, and the samples of a scrape share their
            // time: cut the rows as they are, with no map and no sort.
            List<List<Row>> frames = new ArrayList<>((rows.size() + max - 1) / max);
            for (int from = 0; from < rows.size(); from += max) {
                frames.add(List.copyOf(rows.subList(from, Math.min(rows.size(), from + max))));
            }
            return frames;
        }
        Map<String, List<Row>> byHost = new LinkedHashMap<>();
        for (Row row : rows) {
            byHost.computeIfAbsent(row.host(), h -> new ArrayList<>()).add(row);
        }
        List<List<Row>> frames = new ArrayList<>();
        for (List<Row> hostRows : byHost.values()) {
            hostRows.sort(ZabbixSenderRequest.BY_TIME);
            for (int from = 0; from < hostRows.size(); from += max) {
                frames.add(List.copyOf(hostRows.subList(from, Math.min(hostRows.size(), from + max))));
            }
        }
        return frames;
    }

    private static boolean oneHost(List<Row> rows) {
        if (rows.isEmpty()) {
            return true;
        }
        String host = rows.get(0).host();
        for (int i = 1; i < rows.size(); i++) {
            String other = rows.get(i).host();
            if (other != host && !other.equals(host)) {
                return false;
            }
        }
        return true;
    }

    /**
     * One frame through the client, judged by the sink's rules. A frame with no trustworthy answer is logged
     * at DEBUG only: the batch's Retry detail carries the server, the frame counts and the cause, and the
     * pipeline logs that once per attempt.
     */
    private CompletableFuture<ZabbixFrameResult> exchange(ZabbixSenderRequest request) {
        int rows = request.size();
        return client.send(request).thenApply(exchange -> {
            ZabbixFrameResult result = exchange.answered() ? ZabbixFrameResult.of(exchange.response(), rows)
                    : ZabbixFrameResult.retry(rows, wording(exchange));
            if (exchange.answered()) {
                resendAfterOutage(); // first: this frame was answered by the node that is up
                if (result.kind() == ZabbixFrameResult.Kind.PROCESSED) {
                    resend.acknowledged(request.rows());
                }
            } else if (exchange.failure().stage() == ZabbixExchange.Stage.CONNECT) {
                resend.unreachable();
            }
            if (result.kind() == ZabbixFrameResult.Kind.RETRY && LOG.isDebugEnabled()) {
                LOG.debug("Zabbix sink {}: {} rows for host {} not delivered to {}: {}", config.name(), rows,
                        request.rows().get(0).host(), config.server(), result.detail());
            }
            return result;
        });
    }

    /**
     * After an outage, sends again what the server acknowledged just before it: a node that was killed may
     * have lost it from its history cache ({@link ZabbixFailoverResend}). Those batches are settled already;
     * a resend that is not answered is owed until a node answers again.
     */
    private void resendAfterOutage() {
        List<List<Row>> due = resend.reachable();
        if (due.isEmpty()) {
            return;
        }
        int rows = due.stream().mapToInt(List::size).sum();
        LOG.info("Zabbix sink {}: {} reachable again; sending again the {} rows it acknowledged in the {} before "
                + "the outage, which a node that stopped may not have stored", config.name(), config.server(), rows,
                FAILOVER_RESEND_WINDOW);
        for (List<Row> frame : due) {
            client.send(ZabbixSenderRequest.of(frame, clock.instant())).thenAccept(exchange -> {
                if (!exchange.answered()) {
                    resend.notAnswered(frame);
                    if (exchange.failure().stage() == ZabbixExchange.Stage.CONNECT) {
                        resend.unreachable();
                    }
                }
            });
        }
    }

    /**
     * A client failure in the sink's words, which its outcomes and tests have always used; for a cluster
     * whose nodes all refused, each node with its cause.
     */
    private static String wording(ZabbixExchange exchange) {
        ZabbixExchange.Failure failure = exchange.failure();
        if (failure.stage() == ZabbixExchange.Stage.CONNECT && !exchange.refused().isEmpty()) {
            StringBuilder nodes = new StringBuilder("connect: no node took the connection (");
            for (ZabbixExchange.Refusal refusal : exchange.refused()) {
                nodes.append(refusal.server()).append(": ").append(refusal.cause()).append("; ");
            }
            return nodes.append(exchange.server()).append(": ").append(failure.cause()).append(')').toString();
        }
        return switch (failure.stage()) {
            case CLIENT_CLOSED -> "sink closed before the frame was sent";
            case CONNECT -> "connect: " + failure.cause();
            case TLS_HANDSHAKE -> "TLS handshake: " + failure.cause();
            case RENDER -> "request: " + failure.cause();
            case REDIRECT -> "redirect: " + failure.cause();
            case WRITE -> "write: " + failure.cause();
            case READ_TIMEOUT -> "read timeout: " + failure.cause();
            case CLOSED -> failure.cause() + " (outcome unknown)";
            case RECEIVE, REPLY -> failure.cause();
        };
    }

    private DeliveryOutcome combine(long batchId, List<List<Row>> frames, List<ZabbixFrameResult> results,
                                    Skips skipped) {
        int processed = 0;
        int failed = 0;
        int refusedRows = 0;
        int refusedFrames = 0;
        int retryFrames = 0;
        String firstRetry = null;
        String firstRefusal = null;
        String lastInfo = null;
        int retryRows = 0;
        Set<String> retryHosts = new LinkedHashSet<>();
        for (int i = 0; i < results.size(); i++) {
            ZabbixFrameResult r = results.get(i);
            switch (r.kind()) {
                case PROCESSED -> {
                    processed += r.processed();
                    failed += r.failed();
                    lastInfo = r.detail();
                }
                case REJECTED -> {
                    refusedFrames++;
                    refusedRows += r.rows();
                    firstRefusal = firstRefusal == null ? r.detail() : firstRefusal;
                }
                case RETRY -> {
                    retryFrames++;
                    retryRows += r.rows();
                    retryHosts.add(frames.get(i).get(0).host());
                    firstRetry = firstRetry == null ? r.detail() : firstRetry;
                }
            }
        }
        if (retryFrames > 0) {
            rememberSettled(batchId, frames, results);
            String which = frames.size() == 1 ? "" : retryFrames + " of " + frames.size() + " frames: ";
            return DeliveryOutcome.Retry.of(config.server() + ": " + which + firstRetry + " (" + retryRows
                    + " rows for " + hosts(retryHosts) + ")");
        }
        forgetSettled(batchId);
        String skippedNote = skipped.note();
        if (refusedFrames == frames.size()) {
            return new DeliveryOutcome.Rejected(firstRefusal + skippedNote);
        }
        String detail = frames.size() == 1 ? lastInfo
                : frames.size() + " frames, processed: " + processed + "; failed: " + failed + "; total: "
                + (processed + failed) + (refusedFrames == 0 ? ""
                : "; " + refusedFrames + " frames of " + refusedRows + " rows refused: " + firstRefusal);
        int rejected = failed + refusedRows + skipped.total();
        if (rejected > 0) {
            return new DeliveryOutcome.PartiallyRejected(processed, rejected, detail + skippedNote);
        }
        return new DeliveryOutcome.Delivered(detail);
    }

    /** {@code host a}, {@code hosts a, b, c}, or the first three and how many more. */
    private static String hosts(Set<String> hosts) {
        List<String> named = hosts.stream().limit(3).toList();
        return (hosts.size() == 1 ? "host " : "hosts ") + String.join(", ", named)
                + (hosts.size() > named.size() ? " and " + (hosts.size() - named.size()) + " more" : "");
    }

    /** Whether Zabbix could never store the row; the first one is logged at WARN, once per sink. */
    private boolean oversized(Row row) {
        boolean tooLong = exceedsLimits(row);
        if (tooLong && oversizedReported.compareAndSet(false, true)) {
            LOG.warn("Zabbix sink {}: skipping rows whose key is over {} or host over {} characters (counted as "
                            + "rejected, this one logged once): host {} ({} characters), key {}... ({} characters)",
                    config.name(), MAX_KEY_CHARACTERS, MAX_HOST_CHARACTERS, abbreviated(row.host()),
                    row.host().codePointCount(0, row.host().length()), abbreviated(row.key()),
                    row.key().codePointCount(0, row.key().length()));
        }
        return tooLong;
    }

    /** Whether the row's key or host is longer than any Zabbix item or host can be. */
    static boolean exceedsLimits(Row row) {
        // The key's length without rendering it; the key itself only when its UTF-16 units are over the limit.
        return row.keyLength() > MAX_KEY_CHARACTERS && longerThan(row.key(), MAX_KEY_CHARACTERS)
                || longerThan(row.host(), MAX_HOST_CHARACTERS);
    }

    /** Zabbix counts characters, not UTF-16 units: count code points only when the units exceed the limit. */
    private static boolean longerThan(String text, int characters) {
        return text.length() > characters && text.codePointCount(0, text.length()) > characters;
    }

    private static String abbreviated(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80);
    }

    /** Rows a batch left out, by reason; they count as rejected. */
    private record Skips(int nonFinite, int oversized) {
        int total() {
            return nonFinite + oversized;
        }

        String note() {
            return (nonFinite == 0 ? "" : "; skipped " + nonFinite + " non-finite values")
                    + (oversized == 0 ? "" : "; skipped " + oversized + " rows with " + OVERSIZED);
        }
    }

    private Map<List<Row>, ZabbixFrameResult> settledEarlier(long batchId) {
        synchronized (settled) {
            Map<List<Row>, ZabbixFrameResult> frames = settled.get(batchId);
            return frames == null ? Map.of() : new HashMap<>(frames);
        }
    }

    private void rememberSettled(long batchId, List<List<Row>> frames, List<ZabbixFrameResult> results) {
        Map<List<Row>, ZabbixFrameResult> answered = new HashMap<>();
        for (int i = 0; i < frames.size(); i++) {
            if (results.get(i).kind() != ZabbixFrameResult.Kind.RETRY) {
                answered.put(frames.get(i), results.get(i));
            }
        }
        synchronized (settled) {
            if (answered.isEmpty()) {
                settled.remove(batchId);
            } else {
                settled.put(batchId, answered);
            }
        }
    }

    private void forgetSettled(long batchId) {
        synchronized (settled) {
            settled.remove(batchId);
        }
    }

    /** Closes the client, waiting up to a few seconds; frames still waiting for a slot end as Retry. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (hold != null) {
            hold.close();
            lld.flush();
        }
        client.close();
        LOG.info("Zabbix sink {}: closed", config.name());
    }

    /** A TCP connect to the trapper, nothing sent: see {@link ProbesDestination}. */
    @Override
    public CompletionStage<Boolean> probe() {
        return ConnectProbe.connect(config.serverHost(), config.serverPort(), config.connectTimeout());
    }

}
