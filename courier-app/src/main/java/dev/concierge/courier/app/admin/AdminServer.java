package dev.concierge.courier.app.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.concierge.courier.core.pipeline.Pipeline;
import dev.concierge.courier.core.pipeline.SinkStats;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP endpoint, on Netty with one event-loop thread:
 * <pre>
 * /health        200 "ok" while the process runs; never needs the token
 * /ready         200 once sources and sinks run and the ledger is open, 503 before and while stopping, and
 *                while a sink's thread has ended on an error ({@link SinkStats#failed()})
 * /metrics       every meter of {@link CourierMetrics}, Prometheus text format 0.0.4
 * /ledger        per-sink totals, loss ranges and the most recent records as JSON ({@code ?limit=1..1000},
 *                default 100; {@code since=}, {@code sink=}, {@code outcome=} narrow it)
 * /status.json   what the status page shows (see {@link StatusDocument})
 * /              the status page: one self-contained HTML page that polls /status.json every 2 s
 * </pre>
 * Anything else is 404. With a token configured, every path but {@code /health} and {@code /ready} (a probe
 * cannot present a secret) answers 401 unless the request carries {@code Authorization: Bearer <token>}.
 *
 * <p>{@link #create} binds before it returns, so a port that is taken fails the start of the courier, not
 * a request later. Requests are answered on the event loop; each reads counters and at most
 * {@value LedgerDocument#MAX_LIMIT} ledger records, so none blocks for long.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    // Long enough for a browser's keep-alive between two polls; a stalled client is cut off after it.
    private static final int READ_TIMEOUT_SECONDS = 60;
    private static final int MAX_REQUEST_BYTES = 16 * 1024;

    private final EventLoopGroup group;
    private final Channel channel;
    private final AdminConfig config;
    private final AdminHttpHandler handler;
    private final StatusDocument status;

    private AdminServer(EventLoopGroup group, Channel channel, AdminConfig config, AdminHttpHandler handler,
                        StatusDocument status) {
        this.group = group;
        this.channel = channel;
        this.config = config;
        this.handler = handler;
        this.status = status;
    }

    /**
     * Where the status takes the courier's version, start, configuration file, last reload and each plugin's
     * destination from; asked on the event loop at every {@code /status.json}, so it must not block.
     */
    public void describeWith(Supplier<CourierFacts> facts) {
        status.describeWith(facts);
    }

    /**
     * Binds the endpoint and starts answering.
     *
     * @param ready whether the courier is ready, before the sinks are asked whether any has failed; called on
     *              the event loop for {@code /ready} and the status
     * @throws IllegalStateException when the address cannot be resolved or bound (taken, not local)
     */
    public static AdminServer create(AdminConfig config, Pipeline pipeline, CourierMetrics metrics,
                                     BooleanSupplier ready, Clock clock) {
        ObjectMapper json = new ObjectMapper();
        // A sink whose thread has ended takes no samples: the courier is not doing its job, so not ready.
        BooleanSupplier readyAndEverySinkRunning = () -> ready.getAsBoolean()
                && pipeline.sinkStats().values().stream().noneMatch(SinkStats::failed);
        StatusDocument status = new StatusDocument(json, pipeline, metrics, clock);
        AdminHttpHandler handler = new AdminHttpHandler(config.token(), metrics, readyAndEverySinkRunning, status,
                new LedgerDocument(json, pipeline.ledger(), () -> new ArrayList<>(pipeline.sinkStats().keySet()), clock),
                json);
        InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
        if (address.isUnresolved()) {
            throw new IllegalStateException("admin.listen " + config.listen() + ": cannot resolve " + config.host());
        }
        EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("courier-admin", true));
        ChannelFuture bound = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ReadTimeoutHandler(READ_TIMEOUT_SECONDS))
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                .addLast(handler);
                    }
                })
                .bind(address)
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly();
            throw new IllegalStateException("admin.listen " + config.listen() + ": cannot listen: "
                    + bound.cause().getMessage(), bound.cause());
        }
        AdminServer server = new AdminServer(group, bound.channel(), config, handler, status);
        log.info("admin endpoint on http://{}/ ({})", server.listening(),
                config.requiresToken() ? "bearer token required but for /health" : "no token, loopback only");
        return server;
    }

    /** The address bound, with the actual port when the configuration asked for port 0. */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    public int port() {
        return address().getPort();
    }

    /** {@code host:port} as bound, suitable for a URL. */
    private String listening() {
        String host = config.host();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port();
    }

    /** Enables {@code POST /reload} with {@code reloader}; it answers 403 unless a token is configured. */
    public void reloadWith(ConfigurationReloader reloader) {
        handler.reloadWith(reloader);
    }

    /** Stops listening, closes open connections and ends the event loop. */
    @Override
    public void close() {
        close(Duration.ofSeconds(1));
    }

    /** Stops listening and ends its thread, waiting at most {@code within} for that. */
    public void close(Duration within) {
        long doneNanos = System.nanoTime() + within.toNanos();
        handler.close();
        channel.close().awaitUninterruptibly(Math.max(0,
                TimeUnit.NANOSECONDS.toMillis(doneNanos - System.nanoTime())));
        long leftMillis = Math.max(0, TimeUnit.NANOSECONDS.toMillis(doneNanos - System.nanoTime()));
        group.shutdownGracefully(0, leftMillis, TimeUnit.MILLISECONDS).awaitUninterruptibly(leftMillis);
    }
}
