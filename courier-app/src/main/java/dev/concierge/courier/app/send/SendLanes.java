package dev.concierge.courier.app.send;

import dev.concierge.courier.sinks.zabbix.client.ZabbixClient;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderDataWriter;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Turns batches of rows into requests and sends them over a fixed number of lanes per destination, one
 * request in flight per lane, so up to {@code lanes} connections are open at once to each destination.
 * Every destination gets every request (the JSON is written once); a destination that failed gets nothing
 * more, and the others go on.
 *
 * <ul>
 *   <li>One host per request: a 7.x proxy group routes a request by its first row's host
 *       (PROTOCOLS.md §1.5).</li>
 *   <li>Batches are sent one after another: a batch's first request leaves when every request of the
 *       previous batch has been answered. Within a batch an item travels in one lane, and a lane sends its
 *       requests one after another, so the server receives each item's values in the order they were
 *       queued; with timestamps a batch's values are ordered by time first, as Zabbix triggers expect.</li>
 *   <li>A host gets as many lanes as it fills requests (up to all of them); a host that fills one request
 *       or less goes to the lane with the fewest rows so far, so many small hosts still use every lane.</li>
 *   <li>Without timestamps rows keep their input order and requests carry no clock at all
 *       ({@link ZabbixSenderRequest#untimed}).</li>
 * </ul>
 * JSON is written on the calling thread ({@link ZabbixSenderDataWriter}); sending happens on the client's threads.
 * Once the report says the run failed, requests not yet sent are dropped. {@link #dispatch} is called from
 * one thread.
 */
final class SendLanes {
    // One comparator, not a chain of key extractors: it runs at least once per row sent.
    private static final Comparator<Row> BY_TIME = (a, b) -> a.clock() != b.clock()
            ? Long.compare(a.clock(), b.clock()) : Integer.compare(a.ns(), b.ns());

    /** One destination: its client and where its outcomes are recorded. */
    record Target(ZabbixClient client, SendReport.Destination destination) {
    }

    private final List<Target> targets;
    private final int lanes;
    private final int rowsPerRequest;
    private final boolean timed;
    private final CompletableFuture<?>[][] tails; // [target][lane]
    private final ZabbixSenderDataWriter writer = new ZabbixSenderDataWriter();

    SendLanes(List<Target> targets, int rowsPerRequest, int lanes, boolean timed) {
        if (rowsPerRequest < 1) {
            throw new IllegalArgumentException("rowsPerRequest: " + rowsPerRequest + " (expected: >= 1)");
        }
        if (lanes < 1) {
            throw new IllegalArgumentException("lanes: " + lanes + " (expected: >= 1)");
        }
        this.targets = List.copyOf(targets);
        this.lanes = lanes;
        this.rowsPerRequest = rowsPerRequest;
        this.timed = timed;
        this.tails = new CompletableFuture<?>[this.targets.size()][lanes];
        for (CompletableFuture<?>[] targetTails : tails) {
            Arrays.fill(targetTails, CompletableFuture.completedFuture(null));
        }
    }

    /**
     * Queues {@code rows} and returns a future that completes when every request queued so far, this
     * batch's included, has been answered or dropped.
     */
    CompletableFuture<Void> dispatch(List<Row> rows) {
        if (rows.isEmpty()) {
            return all();
        }
        Map<String, List<Row>> byHost = new LinkedHashMap<>();
        for (Row row : rows) {
            byHost.computeIfAbsent(row.host(), h -> new ArrayList<>()).add(row);
        }
        // This batch starts when the previous one is done.
        CompletableFuture<Void> start = all();
        for (CompletableFuture<?>[] targetTails : tails) {
            Arrays.fill(targetTails, start);
        }
        long[] load = new long[lanes];
        Instant now = Instant.now();
        for (List<Row> hostRows : byHost.values()) {
            int used = (int) Math.min(lanes, (hostRows.size() + rowsPerRequest - 1L) / rowsPerRequest);
            List<List<Row>> split = new ArrayList<>(used);
            for (int i = 0; i < used; i++) {
                split.add(new ArrayList<>());
            }
            for (Row row : hostRows) {
                split.get(used == 1 ? 0 : laneOf(row, used)).add(row);
            }
            int first = used == lanes ? 0 : lightest(load);
            for (int i = 0; i < used; i++) {
                int lane = (first + i) % lanes;
                List<Row> laneRows = split.get(i);
                load[lane] += laneRows.size();
                if (timed) {
                    laneRows.sort(BY_TIME);
                }
                for (int from = 0; from < laneRows.size(); from += rowsPerRequest) {
                    List<Row> slice = laneRows.subList(from, Math.min(laneRows.size(), from + rowsPerRequest));
                    enqueue(lane, writer.toJson(slice, timed, now.getEpochSecond(), now.getNano()), slice.size(),
                            slice.get(0).host());
                }
            }
        }
        return all();
    }

    private static int laneOf(Row row, int lanes) {
        int h = row.key().hashCode();
        return Math.floorMod(h ^ (h >>> 16), lanes);
    }

    private static int lightest(long[] load) {
        int best = 0;
        for (int i = 1; i < load.length; i++) {
            if (load[i] < load[best]) {
                best = i;
            }
        }
        return best;
    }

    private void enqueue(int lane, byte[] json, int rows, String host) {
        for (int t = 0; t < targets.size(); t++) {
            Target target = targets.get(t);
            tails[t][lane] = tails[t][lane].thenCompose(previous -> target.destination().stopped()
                    ? CompletableFuture.completedFuture(null)
                    : target.client().send(json, rows, host).thenAccept(target.destination()::record));
        }
    }

    private CompletableFuture<Void> all() {
        return CompletableFuture.allOf(Arrays.stream(tails).flatMap(Arrays::stream)
                .toArray(CompletableFuture[]::new));
    }
}
