package dev.concierge.courier.sinks.zabbix.client;

import dev.concierge.courier.core.settings.HostPort;
import dev.concierge.courier.sinks.zabbix.client.ZabbixExchange.Refusal;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.tls.ProtocolVersion;

/**
 * The Zabbix sender protocol's client, for one server, proxy or HA cluster: one {@code sender data} request
 * and one reply per TCP connection, as the trapper closes after its reply (PROTOCOLS.md §1.3). The Zabbix
 * sink and {@code courier send} both send through it.
 *
 * <p><b>HA clusters.</b> With several {@link ZabbixClientConfig#nodes() nodes}, a request goes to the node
 * that answered last (the first node to begin with); a node that refuses the connection, as a 6.0 standby
 * does, is passed over for the next in order, and each is tried once per request. The exchange names the
 * node that answered and those passed over. When every node refuses, the exchange fails at
 * {@link Stage#CONNECT} and nothing was sent: the caller waits and sends again, which is how a failover is
 * ridden out. A node that took the request and then failed is asked last next time, as Zabbix does.
 *
 * <p><b>Proxy-group redirects (7.0).</b> A {@code failed} reply with a {@code redirect} block is followed as
 * Zabbix's own {@code zbx_comms_exchange_with_redirect} follows it: the request is sent once more, to the
 * address given; the redirect is remembered for the request's host (its first row's) and later requests for
 * that host go straight there, until a newer revision replaces it, a {@code reset} reply drops it, or the
 * proxy refuses the connection. A second redirect in a row, or a reset while not redirected, ends the
 * exchange at {@link Stage#REDIRECT}.
 *
 * <p><b>Connection slots.</b> At most {@link ZabbixClientConfig#maxConnections()} connections are open at
 * once; a request sent while they are all busy waits in a first-in, first-out queue and takes the first
 * slot that frees up. A slot frees up when its exchange completes.
 *
 * <p><b>TLS.</b> With {@link ZabbixTlsConfig.Connect#CERT}, every connection starts with a full TLS
 * handshake (Zabbix offers no session resumption, PROTOCOLS.md §1.8), presenting the client's certificate
 * and checking the server's as {@link ZabbixTlsConfig} describes. With {@link ZabbixTlsConfig.Connect#PSK},
 * the handshake uses the pre-shared key, TLS 1.3 or 1.2, on Bouncy Castle ({@code ZabbixPskHandler}). The
 * TLS files are read once, by {@link #create}; the PSK stays in memory until {@link #close}.
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
    /** PROTOCOLS.md §1.8: TLS 1.3 and 1.2, as with certificates. */
    static final ProtocolVersion[] PSK_VERSIONS = ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12);

    /** A sender-data reply is about 100 bytes; anything near this limit is not a reply. */
    static final int MAX_REPLY_BYTES = 64 * 1024;
    private static final String NOT_SENT = "client closed before the request was sent";

    private final ZabbixClientConfig config;
    private final SslContext ssl; // null = unencrypted or PSK
    private final byte[] pskKey; // null = not PSK; wiped by close()
    private final byte[] pskIdentity;
    private final ProtocolVersion[] pskVersions;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;

    // Index in config.nodes() of the node asked first: the one that answered last.
    private final AtomicInteger preferred = new AtomicInteger();
    // Host name -> the proxy a 7.0 proxy group redirected it to.
    private final ConcurrentHashMap<String, CachedRedirect> redirected = new ConcurrentHashMap<>();

    private final Object slotLock = new Object();
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>(); // guarded by slotLock
    private int active; // guarded by slotLock
    private boolean closed; // guarded by slotLock

    private ZabbixClient(ZabbixClientConfig config, ProtocolVersion[] pskVersions) {
        this.config = config;
        ZabbixTlsConfig.Connect connect = config.tls().connect();
        this.ssl = connect == ZabbixTlsConfig.Connect.CERT ? config.tls().sslContext() : null;
        this.pskKey = connect == ZabbixTlsConfig.Connect.PSK ? config.tls().pskKey() : null;
        this.pskIdentity = pskKey == null ? null : config.tls().pskIdentity().getBytes(StandardCharsets.UTF_8);
        this.pskVersions = pskVersions;
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
        return create(config, PSK_VERSIONS);
    }

    /** As {@link #create(ZabbixClientConfig)}, offering only {@code pskVersions} over PSK: for tests of each. */
    static ZabbixClient create(ZabbixClientConfig config, ProtocolVersion[] pskVersions) {
        return new ZabbixClient(Objects.requireNonNull(config, "config"), pskVersions.clone());
    }

    /** How the client connects. */
    public ZabbixClientConfig config() {
        return config;
    }

    /** {@code host:port} as configured, or the nodes as {@code a:p;b:p}. */
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
        }, request.size(), request.rows().isEmpty() ? null : request.rows().get(0).host());
    }

    /**
     * Sends a request already rendered: {@code json} is the UTF-8 JSON of a {@code sender data} request of
     * {@code rows} rows, written by the caller (as {@link ZabbixSenderDataWriter} writes it, on the caller's
     * thread).
     */
    public CompletableFuture<ZabbixExchange> send(byte[] json, int rows) {
        return send(json, rows, null);
    }

    /**
     * As {@link #send(byte[], int)}, for a request whose rows are all for {@code host}, so that a proxy
     * group's redirect is remembered for it; null = not known, and a redirect is followed but not kept.
     */
    public CompletableFuture<ZabbixExchange> send(byte[] json, int rows, String host) {
        Objects.requireNonNull(json, "json");
        return send(alloc -> Unpooled.wrappedBuffer(json), rows, host);
    }

    private CompletableFuture<ZabbixExchange> send(ZabbixExchangeHandler.Body body, int rows, String host) {
        CompletableFuture<ZabbixExchange> result = new CompletableFuture<>();
        Waiting request = new Waiting(body, rows, host, result);
        // Released before the caller's callbacks run, so a request they send at once may take the slot.
        CompletableFuture<ZabbixExchange> released = result.whenComplete((exchange, e) -> {
            if (request.holdsSlot) {
                releaseSlot();
            }
        });
        acquireSlot(request);
        return released;
    }

    /** One connection to {@code node}, one request, one reply; {@code result} completes as the handler says. */
    private void connect(HostPort node, ZabbixExchangeHandler.Body body, int rows,
                         CompletableFuture<ZabbixExchange> result) {
        try {
            Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    if (ssl != null) {
                        // TLS below the framing.
                        ch.pipeline().addLast(ZabbixTlsConfig.sslHandler(ssl, ch.alloc(), node.host(),
                                node.port(), config.readTimeout()));
                    } else if (pskKey != null) {
                        ch.pipeline().addLast(new ZabbixPskHandler(pskIdentity, pskKey, pskVersions));
                    }
                    ch.pipeline().addLast(
                            new ZabbixFrameDecoder(MAX_REPLY_BYTES),
                            new ZabbixFrameEncoder(config.compression(), config.compressionLevel()),
                            new ZabbixExchangeHandler(body, rows, config.readTimeout(), result));
                }
            });
            b.connect(node.host(), node.port()).addListener((ChannelFuture f) -> {
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

    /**
     * Sends {@code request} where it belongs: to its host's cached redirect if there is one, else to the
     * cluster. {@code redirects} is how many redirects this request has followed (0 or 1).
     */
    private void route(Waiting request, int redirects, List<Refusal> refused) {
        CachedRedirect cached = request.host == null ? null : redirected.get(request.host);
        if (cached != null) {
            toRedirect(request, cached, redirects, refused);
        } else {
            toNode(request, preferred.get(), 0, redirects, refused);
        }
    }

    /** Tries the cluster's nodes from {@code node} on, in order; a node refusing the connection is passed over. */
    private void toNode(Waiting request, int node, int tried, int redirects, List<Refusal> refused) {
        HostPort address = config.nodes().nodes().get(node);
        CompletableFuture<ZabbixExchange> attempt = new CompletableFuture<>();
        connect(address, request.body, request.rows, attempt);
        attempt.thenAccept(exchange -> {
            int nodes = config.nodes().size();
            int next = (node + 1) % nodes;
            if (exchange.answered()) {
                preferred.set(node); // the node that answered is asked first from now on
                answered(request, exchange.at(address.toString(), refused), false, redirects);
                return;
            }
            if (exchange.failure().stage() == Stage.CONNECT && tried + 1 < nodes) {
                // A standby does not listen (PEERS.md): not this one, try the next.
                toNode(request, next, tried + 1, redirects, append(refused, address, exchange.failure()));
                return;
            }
            if (!exchange.failure().stage().nothingSent()) {
                // As Zabbix's zbx_addrs_failover: a node that took the request and then failed is asked last.
                preferred.compareAndSet(node, next);
            }
            request.result.complete(exchange.at(address.toString(), refused));
        });
    }

    /** Sends to a host's cached redirect; if that proxy cannot be reached, forgets it and asks the cluster. */
    private void toRedirect(Waiting request, CachedRedirect cached, int redirects, List<Refusal> refused) {
        CompletableFuture<ZabbixExchange> attempt = new CompletableFuture<>();
        connect(cached.address(), request.body, request.rows, attempt);
        attempt.thenAccept(exchange -> {
            if (!exchange.answered() && exchange.failure().stage() == Stage.CONNECT) {
                redirected.remove(request.host, cached);
                toNode(request, preferred.get(), 0, redirects,
                        append(refused, cached.address(), exchange.failure()));
                return;
            }
            if (exchange.answered()) {
                answered(request, exchange.at(cached.address().toString(), refused), true, redirects);
            } else {
                request.result.complete(exchange.at(cached.address().toString(), refused));
            }
        });
    }

    /**
     * Follows a redirect as Zabbix 7.0's {@code zbx_comms_exchange_with_redirect} and
     * {@code comms_check_redirect} do: only in a {@code failed} reply; one resend at most, a second redirect
     * in a row is an error; a reset forgets the host's redirect (and is an error when there was none); a
     * redirect older than the cached one is ignored and the request resent to where it was not just refused.
     */
    private void answered(Waiting request, ZabbixExchange exchange, boolean viaRedirect, int redirects) {
        ZabbixResponse.Redirect redirect = exchange.response().redirect();
        if (redirect == null || !"failed".equals(exchange.response().response())) {
            request.result.complete(exchange);
            return;
        }
        CachedRedirect cached = request.host == null ? null : redirected.get(request.host);
        String problem = null;
        CachedRedirect follow = null;
        if (redirect.reset()) {
            if (!viaRedirect) {
                problem = "connection was reset because of service being offline";
            } else if (cached != null) {
                redirected.remove(request.host, cached);
            }
        } else {
            HostPort address;
            try {
                address = HostPort.parse(redirect.address(), ZabbixServerNodes.DEFAULT_PORT);
            } catch (IllegalArgumentException e) {
                request.result.complete(exchange); // not an address Zabbix would parse: not a redirect
                return;
            }
            if (cached != null && redirect.revision() < cached.revision()) {
                // Stale: keep the newer one we have; resend to it unless it is the one that just answered.
                follow = viaRedirect ? null : cached;
            } else {
                follow = new CachedRedirect(redirect.revision(), address);
                if (request.host != null) {
                    redirected.put(request.host, follow);
                }
            }
        }
        if (problem == null && redirects > 0) {
            problem = "sequential redirect responses detected";
        }
        if (problem != null) {
            request.result.complete(ZabbixExchange.failed(request.rows, Stage.REDIRECT, problem)
                    .at(exchange.server(), exchange.refused()));
            return;
        }
        List<Refusal> none = List.of();
        if (follow != null) {
            toRedirect(request, follow, redirects + 1, none);
        } else {
            toNode(request, preferred.get(), 0, redirects + 1, none);
        }
    }

    private static List<Refusal> append(List<Refusal> refused, HostPort node, ZabbixExchange.Failure failure) {
        List<Refusal> more = new ArrayList<>(refused);
        more.add(new Refusal(node.toString(), failure.cause()));
        return more;
    }

    /** Where a 7.0 proxy group last sent a host, as of which host map revision. */
    private record CachedRedirect(long revision, HostPort address) {
    }

    /** A request, from {@link #send} until its exchange completes; it may wait for a slot first. */
    private final class Waiting {
        final ZabbixExchangeHandler.Body body;
        final int rows;
        final String host; // the request's one host, for redirects; null when not known
        final CompletableFuture<ZabbixExchange> result;
        // Set before start() by whoever grants the slot; read when the result completes. Requests completed
        // without ever holding one (closed while waiting) must not give one back.
        volatile boolean holdsSlot;

        Waiting(ZabbixExchangeHandler.Body body, int rows, String host, CompletableFuture<ZabbixExchange> result) {
            this.body = body;
            this.rows = rows;
            this.host = host;
            this.result = result;
        }

        void start() {
            holdsSlot = true;
            route(this, 0, List.of());
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
        if (pskKey != null) {
            Arrays.fill(pskKey, (byte) 0);
        }
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
