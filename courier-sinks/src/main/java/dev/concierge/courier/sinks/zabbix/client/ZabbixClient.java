package dev.concierge.courier.sinks.zabbix.client;

import dev.concierge.courier.sinks.zabbix.client.ZabbixExchange.Stage;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Zabbix sender protocol's client, for one server or proxy: one {@code sender data} request and one
 * reply per TCP connection, as the trapper closes after its reply (PROTOCOLS.md §1.3). The Zabbix sink and
 * {@code courier send} both send through it.
 *
 * <p><b>Connection slots.</b> At most {@link ZabbixClientConfig#maxConnections()} connections are open at
 * once; a request sent while they are all busy waits in a first-in, first-out queue and takes the first
 * slot that frees up. A slot frees up when its exchange completes.
 *
 * <p><b>TLS.</b> With {@link ZabbixTlsConfig.Connect#CERT}, every connection starts with a full TLS
 * handshake (Zabbix offers no session resumption, PROTOCOLS.md §1.8), presenting the client's certificate
 * and checking the server's as {@link ZabbixTlsConfig} describes. The TLS files are read once, by
 * {@link #create}.
 *
 * <p><b>Threads.</b> Thread-safe; {@link #send} never blocks. Connecting, rendering a
 * {@link ZabbixSenderRequest}, compressing, reading and completing the futures all happen on the client's
 * event loop threads, so callbacks on the returned futures must not block. A waiting request is started on
 * the thread whose exchange freed its slot. The one exception is {@link Stage#CLIENT_CLOSED}: completed on
 * the thread that called {@link #close}, or {@link #send} after it.
 *
 * <p><b>Ownership.</b> The client owns its event loop threads, its connections and the requests waiting for
 * a slot; {@link #close} ends all three. A {@code byte[]} given to {@link #send(byte[], int)} is read, not
 * copied, until its future completes, so the caller must not change it before then.
 *
 * <p><b>Completion.</b> Each future completes exactly once and always normally, within the connect timeout
 * plus the read timeout after the request's slot was taken, with a {@link ZabbixExchange}:
 * <ul>
 *   <li>{@link ZabbixExchange#answered() answered}: the server sent one complete frame holding a Zabbix
 *       response, whatever it says; the caller judges {@code success}, {@code failed} and the counts.</li>
 *   <li>failed at a stage whose {@link Stage#nothingSent()} is true ({@code CLIENT_CLOSED}, {@code CONNECT},
 *       {@code TLS_HANDSHAKE}, {@code RENDER}): the server saw none of the request.</li>
 *   <li>failed at a later stage ({@code WRITE}, {@code READ_TIMEOUT}, {@code RECEIVE}, {@code CLOSED},
 *       {@code REPLY}): the outcome is unknown; the server may have stored the rows.</li>
 * </ul>
 * The client logs nothing: a failure is a value, and its caller decides what is worth a line.
 */
public final class ZabbixClient implements AutoCloseable {
    /** A sender-data reply is about 100 bytes; anything near this limit is not a reply. */
    static final int MAX_REPLY_BYTES = 64 * 1024;
    private static final String NOT_SENT = "client closed before the request was sent";

    private final ZabbixClientConfig config;
    private final SslContext ssl; // null = unencrypted
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;

    private final Object slotLock = new Object();
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>(); // guarded by slotLock
    private int active; // guarded by slotLock
    private boolean closed; // guarded by slotLock

    private ZabbixClient(ZabbixClientConfig config) {
        this.config = config;
        this.ssl = config.tls().encrypted() ? config.tls().sslContext() : null;
        this.group = new NioEventLoopGroup(config.threads(), new DefaultThreadFactory(config.threadName(), true));
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        config.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true);
    }

    /**
     * A client with its own event loop threads; nothing connects until the first {@link #send}. Reads the
     * TLS files, if any.
     *
     * @throws IllegalArgumentException when a TLS file is unusable, listing {@link ZabbixTlsConfig#fileProblems()},
     *                                  or the JDK will not make a TLS context of them
     */
    public static ZabbixClient create(ZabbixClientConfig config) {
        return new ZabbixClient(Objects.requireNonNull(config, "config"));
    }

    /** How the client connects. */
    public ZabbixClientConfig config() {
        return config;
    }

    /** {@code host:port} as configured. */
    public String server() {
        return config.server();
    }

    /**
     * The client's event loop, for a caller's timers that send again later (the sink's discovery hold).
     * Tasks on it must not block; it ends with {@link #close}.
     */
    public ScheduledExecutorService scheduler() {
        return group;
    }

    /**
     * Sends {@code request}, rendered to JSON on the event loop once its connection is up, straight into a
     * pooled buffer: the JSON of a large request never becomes a heap array (one of 4,000 rows is past G1's
     * humongous threshold on a small heap), and the buffer goes back to the pool once the encoder has copied
     * it into the frame.
     */
    public CompletableFuture<ZabbixExchange> send(ZabbixSenderRequest request) {
        return send(alloc -> {
            ByteBuf payload = alloc.buffer(request.estimatedJsonBytes());
            try {
                request.writeTo(payload);
                return payload;
            } catch (RuntimeException e) {
                payload.release();
                throw e;
            }
        }, request.size());
    }

    /**
     * Sends a request already rendered: {@code json} is the UTF-8 JSON of a {@code sender data} request of
     * {@code rows} rows, written by the caller (as {@link ZabbixSenderDataWriter} writes it, on the caller's
     * thread).
     */
    public CompletableFuture<ZabbixExchange> send(byte[] json, int rows) {
        Objects.requireNonNull(json, "json");
        return send(alloc -> Unpooled.wrappedBuffer(json), rows);
    }

    private CompletableFuture<ZabbixExchange> send(ZabbixExchangeHandler.Body body, int rows) {
        CompletableFuture<ZabbixExchange> result = new CompletableFuture<>();
        Waiting request = new Waiting(body, rows, result);
        // Released before the caller's callbacks run, so a request they send at once may take the slot.
        CompletableFuture<ZabbixExchange> released = result.whenComplete((exchange, e) -> {
            if (request.holdsSlot) {
                releaseSlot();
            }
        });
        acquireSlot(request);
        return released;
    }

    private void connect(ZabbixExchangeHandler.Body body, int rows, CompletableFuture<ZabbixExchange> result) {
        try {
            Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    if (ssl != null) {
                        // TLS below the framing.
                        ch.pipeline().addLast(ZabbixTlsConfig.sslHandler(ssl, ch.alloc(), config.host(),
                                config.port(), config.readTimeout()));
                    }
                    ch.pipeline().addLast(
                            new ZabbixFrameDecoder(MAX_REPLY_BYTES),
                            new ZabbixFrameEncoder(config.compression(), config.compressionLevel()),
                            new ZabbixExchangeHandler(body, rows, config.readTimeout(), result));
                }
            });
            b.connect(config.host(), config.port()).addListener((ChannelFuture f) -> {
                if (!f.isSuccess()) {
                    result.complete(ZabbixExchange.failed(rows, Stage.CONNECT,
                            ZabbixExchangeHandler.describe(f.cause())));
                }
            });
        } catch (RuntimeException e) {
            // A rejected task after close(), or a bootstrap error: the request did not leave.
            result.complete(ZabbixExchange.failed(rows, Stage.CONNECT, ZabbixExchangeHandler.describe(e)));
        }
    }

    /** A request, from {@link #send} until its exchange completes; it may wait for a slot first. */
    private final class Waiting {
        final ZabbixExchangeHandler.Body body;
        final int rows;
        final CompletableFuture<ZabbixExchange> result;
        // Set before start() by whoever grants the slot; read when the result completes. Requests completed
        // without ever holding one (closed while waiting) must not give one back.
        volatile boolean holdsSlot;

        Waiting(ZabbixExchangeHandler.Body body, int rows, CompletableFuture<ZabbixExchange> result) {
            this.body = body;
            this.rows = rows;
            this.result = result;
        }

        void start() {
            holdsSlot = true;
            connect(body, rows, result);
        }

        void notSent() {
            result.complete(ZabbixExchange.failed(rows, Stage.CLIENT_CLOSED, NOT_SENT));
        }
    }

    private void acquireSlot(Waiting request) {
        boolean refused;
        synchronized (slotLock) {
            refused = closed;
            if (!refused && active >= config.maxConnections()) {
                waiting.add(request);
                return;
            }
            if (!refused) {
                active++;
            }
        }
        if (refused) {
            request.notSent();
        } else {
            request.start();
        }
    }

    private void releaseSlot() {
        Waiting next;
        synchronized (slotLock) {
            // Once closing, a freed slot starts nothing: close() completes whatever still waits.
            next = closed ? null : waiting.poll();
            if (next == null) {
                active--;
            }
        }
        if (next != null) {
            next.start(); // the slot passes straight to the next request
        }
    }

    /**
     * Closes every connection and stops the event loop threads, waiting up to a few seconds; requests still
     * waiting for a slot, and any sent from now on, complete as {@link Stage#CLIENT_CLOSED}.
     */
    @Override
    public void close() {
        synchronized (slotLock) {
            closed = true;
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        List<Waiting> left;
        synchronized (slotLock) {
            left = new ArrayList<>(waiting);
            waiting.clear();
        }
        for (Waiting request : left) {
            request.notSent();
        }
    }
}
