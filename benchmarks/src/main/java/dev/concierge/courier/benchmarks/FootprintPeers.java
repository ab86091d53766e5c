package dev.concierge.courier.benchmarks;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricFilter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.codahale.metrics.json.MetricsModule;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The two peers of a courier measured by {@code scripts/bench-footprint.sh}, in one JVM of their own so
 * that none of their memory or CPU is counted against the courier: an application serving a live
 * Dropwizard registry as metrics-json at {@code /metrics} (as {@code MetricsServlet} does), and a
 * {@link ZabbixTrapperReceiver} that answers every row as processed.
 *
 * <p>Prints on stdout, one line each, flushed at once: {@code metrics <url>} and {@code zabbix <host:port>}
 * when both listen; {@code first <zabbix host> <epoch ms>} when the first row for a Zabbix host arrives;
 * {@code rows <zabbix host> <count>} for every host when stdin closes, and then exits. The registry holds
 * 110 metrics by default (40 timers, 20 meters, 20 counters, 20 gauges, 10 histograms: 950 samples per
 * scrape); {@code --scale n} multiplies that.
 */
public final class FootprintPeers {
    private FootprintPeers() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int scale = args.length == 2 && "--scale".equals(args[0]) ? Integer.parseInt(args[1]) : 1;
        Random random = new Random(42);
        MetricRegistry registry = DropwizardDocumentWriter.registry(random, 40 * scale, 20 * scale, 20 * scale,
                20 * scale, 10 * scale);
        List<Timer> timers = List.copyOf(registry.getTimers().values());
        List<Meter> meters = List.copyOf(registry.getMeters().values());
        List<Counter> counters = List.copyOf(registry.getCounters().values());
        List<Histogram> histograms = List.copyOf(registry.getHistograms().values());
        ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
        traffic.scheduleAtFixedRate(() -> {
            timers.get(random.nextInt(timers.size())).update(1 + random.nextInt(250), TimeUnit.MILLISECONDS);
            meters.get(random.nextInt(meters.size())).mark();
            counters.get(random.nextInt(counters.size())).inc(random.nextBoolean() ? 1 : -1);
            histograms.get(random.nextInt(histograms.size())).update(random.nextInt(65_536));
        }, 0, 5, TimeUnit.MILLISECONDS);

        ObjectMapper mapper = new ObjectMapper()
                .registerModule(new MetricsModule(TimeUnit.SECONDS, TimeUnit.MILLISECONDS, false, MetricFilter.ALL));
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/metrics", exchange -> {
            byte[] body = mapper.writeValueAsBytes(registry);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        ExecutorService handlers = Executors.newFixedThreadPool(2);
        http.setExecutor(handlers);
        http.start();

        Map<String, LongAdder> rows = new ConcurrentHashMap<>();
        ZabbixTrapperReceiver zabbix = ZabbixTrapperReceiver.create(0, key -> true, (row, processed) -> {
            long now = System.currentTimeMillis();
            rows.computeIfAbsent(row.host(), host -> {
                print("first " + host + " " + now);
                return new LongAdder();
            }).increment();
        });
        print("metrics http://127.0.0.1:" + http.getAddress().getPort() + "/metrics");
        print("zabbix 127.0.0.1:" + zabbix.port());

        // The receiver keeps every exchange it answered; a run of a few minutes fits the peers' heap.
        CountDownLatch stdinClosed = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try {
                System.in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // A closed or broken stdin ends the run just the same.
            }
            stdinClosed.countDown();
        }, "stdin");
        reader.setDaemon(true);
        reader.start();
        stdinClosed.await();
        rows.forEach((host, count) -> print("rows " + host + " " + count.sum()));
        zabbix.close();
        http.stop(0);
        handlers.shutdownNow();
        traffic.shutdownNow();
    }

    private static synchronized void print(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
