package dev.concierge.courier.benchmarks;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import io.github.hengyunabc.zabbix.sender.DataObject;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Zabbix sink's per-row work on the sending side, for one frame of {@value #ROWS} rows of the node
 * exporter exposition (grown with {@link ScrapePayloads}): rows from samples, the request, its JSON. Scores
 * are per row; run with {@code -prof gc} for the bytes allocated per row.
 * <ul>
 *   <li>{@code jsonArray}: the JSON as a {@code byte[]} ({@link ZabbixSenderRequest#toJson()}), as the sink
 *       rendered it before frames were written into pooled buffers;</li>
 *   <li>{@code pooledBuffer}: the JSON written into a pooled Netty buffer
 *       ({@link ZabbixSenderRequest#writeTo(ByteBuf)}), as the sink renders it now;</li>
 *   <li>{@code pooledBufferJackson}: the same, written with Jackson's generic {@code JsonGenerator} into the
 *       pooled buffer, as the sink did before its hand-written writer (same bytes);</li>
 *   <li>{@code jsonOnly}, {@code jsonOnlyJackson}: the JSON alone, of a request built once, by each writer;</li>
 *   <li>{@code keysOnly}: only the rows, the part the two share: since rows keep their sample, each key's
 *       length, not its text ({@code ZabbixKeys.length}); keys and values are written by the writer;</li>
 *   <li>{@code zabbixSenderJava} (baseline): zabbix-sender-java's request bytes for the same rows (its
 *       {@code SenderRequest.toBytes()}, fastjson), from {@code DataObject}s built from the same samples.
 *       It needs {@code target/zabbix-sender-java/*} on the class path (see BENCHMARKS.md).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx64m"})
@State(Scope.Thread)
public class ZabbixRequestBenchmark {
    static final int ROWS = 4000;

    private static final JsonFactory JSON = new JsonFactory();

    private List<Sample> samples;
    private Instant now;
    private ZabbixSenderRequest request;

    @Setup(Level.Trial)
    public void setUp() {
        samples = EndToEndThroughput.parse(ROWS);
        now = Instant.now();
        request = ZabbixSenderRequest.of(rows(), now);
    }

    private List<Row> rows() {
        List<Row> rows = new ArrayList<>(samples.size());
        for (Sample sample : samples) {
            rows.add(Row.of(sample, null));
        }
        return rows;
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public List<Row> keysOnly() {
        return rows();
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public byte[] jsonArray() {
        return ZabbixSenderRequest.of(rows(), now).toJson();
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public int pooledBuffer() {
        return writePooled(ZabbixSenderRequest.of(rows(), now));
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public int pooledBufferJackson() throws IOException {
        return writeWithJackson(ZabbixSenderRequest.of(rows(), now));
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public int jsonOnly() {
        return writePooled(request);
    }

    /** The request as the sink writes it: into a pooled buffer, on the event loop. */
    private static int writePooled(ZabbixSenderRequest request) {
        ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer(request.estimatedJsonBytes());
        try {
            request.writeTo(out);
            return out.readableBytes();
        } finally {
            out.release();
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public int jsonOnlyJackson() throws IOException {
        return writeWithJackson(request);
    }

    /** The request as the sink wrote it before: Jackson's generator into a pooled buffer. */
    private static int writeWithJackson(ZabbixSenderRequest request) throws IOException {
        ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer(request.estimatedJsonBytes());
        try (JsonGenerator g = JSON.createGenerator((OutputStream) new ByteBufOutputStream(out), JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("request", "sender data");
            g.writeArrayFieldStart("data");
            for (Row row : request.rows()) {
                g.writeStartObject();
                g.writeStringField("host", row.host());
                g.writeStringField("key", row.key());
                g.writeStringField("value", row.value());
                g.writeNumberField("clock", row.clock());
                g.writeNumberField("ns", row.ns());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("clock", request.clock());
            g.writeNumberField("ns", request.ns());
            g.writeEndObject();
            g.flush();
            return out.readableBytes();
        } finally {
            out.release();
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public byte[] zabbixSenderJava() {
        List<DataObject> data = new ArrayList<>(samples.size());
        for (Row row : rows()) {
            data.add(new DataObject(row.clock(), row.host(), row.key(), row.value()));
        }
        io.github.hengyunabc.zabbix.sender.SenderRequest request = new io.github.hengyunabc.zabbix.sender.SenderRequest();
        request.setData(data);
        request.setClock(now.getEpochSecond());
        return request.toBytes();
    }
}
