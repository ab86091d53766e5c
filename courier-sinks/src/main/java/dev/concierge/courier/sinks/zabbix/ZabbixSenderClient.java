package dev.concierge.courier.sinks.zabbix;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;

/**
 * Sends {@code sender data} requests to one trapper and hands back its answers as they are, for callers
 * that judge them themselves (the {@code courier send} command mirrors {@code zabbix_sender}'s exit codes
 * from them). One request per connection, as the trapper closes after its reply (PROTOCOLS.md §1.3).
 *
 * <p>With a {@link ZabbixTlsConfig} of {@code cert}, every connection starts with a TLS handshake set up as
 * the Zabbix sink sets it up (see {@link ZabbixTlsConfig}); a handshake that fails is an {@link Exchange}
 * whose failure says so, and nothing was sent on that connection.
 *
 * <p>{@link #send} never blocks and its future never completes exceptionally: a transport failure is an
 * {@link Exchange} with a {@code failure} text. The caller bounds how many requests are in flight.
 * Thread-safe; futures complete on the client's event loop threads, so callbacks must not block.
 */
public final class ZabbixSenderClient implements AutoCloseable {
    /** A reply is a few hundred bytes; anything near this is not a trapper talking. */
    static final int MAX_REPLY_BYTES = 64 * 1024;

    /**
     * How one request went.
     *
     * @param rows     rows in the request
     * @param response the server's answer; null when {@code failure} is set
     * @param failure  why there is no answer (connect, write, read timeout, a frame we cannot read); null
     *                 when the server answered
     */
    public record Exchange(int rows, ZabbixResponse response, String failure) {
        /** True when the server answered, whatever it answered. */
        public boolean answered() {
            return response != null;
        }
    }

    private final String host;
    private final int port;
    private final Duration readTimeout;
    private final boolean compression;
    private final SslContext ssl; // null = unencrypted
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;

    private ZabbixSenderClient(String host, int port, Duration connectTimeout, Duration readTimeout,
                               boolean compression, int threads, ZabbixTlsConfig tls) {
        this.host = Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
        this.port = port;
        this.readTimeout = Objects.requireNonNull(readTimeout, "readTimeout");
        this.compression = compression;
        this.ssl = tls.encrypted() ? tls.sslContext() : null;
        this.group = new NioEventLoopGroup(threads, new DefaultThreadFactory("zabbix-sender-client", true));
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        connectTimeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true);
    }

    /**
     * An unencrypted client with its own event loop threads; nothing connects until the first {@link #send}.
     *
     * @param connectTimeout how long a connect may take
     * @param readTimeout    how long to wait for the reply once connected
     * @param compression    send a frame zlib-compressed (flag 0x03) when that makes it shorter
     * @param threads        event loop threads; they also compress
     */
    public static ZabbixSenderClient create(String host, int port, Duration connectTimeout, Duration readTimeout,
                                            boolean compression, int threads) {
        return create(host, port, connectTimeout, readTimeout, compression, threads, ZabbixTlsConfig.UNENCRYPTED);
    }

    /**
     * Like {@link #create(String, int, Duration, Duration, boolean, int)}, connecting as {@code tls} says.
     * The TLS files are read here, once.
     *
     * @param readTimeout how long to wait for the reply once connected, the TLS handshake included
     * @throws IllegalArgumentException when a TLS file is unusable, listing {@link ZabbixTlsConfig#fileProblems()}
     */
    public static ZabbixSenderClient create(String host, int port, Duration connectTimeout, Duration readTimeout,
                                            boolean compression, int threads, ZabbixTlsConfig tls) {
        return new ZabbixSenderClient(host, port, connectTimeout, readTimeout, compression, threads,
                Objects.requireNonNull(tls, "tls"));
    }

    /** {@code host:port} as given, the way {@code zabbix_sender} names a server in its output. */
    public String server() {
        return host + ":" + port;
    }

    /**
     * Opens a connection, sends one frame holding {@code json}, waits for one reply frame and closes.
     *
     * @param json the UTF-8 JSON of a {@code sender data} request
     * @param rows rows in it, carried into the {@link Exchange}
     */
    public CompletableFuture<Exchange> send(byte[] json, int rows) {
        CompletableFuture<Exchange> result = new CompletableFuture<>();
        try {
            Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    if (ssl != null) {
                        ch.pipeline().addLast(ZabbixTlsConfig.sslHandler(ssl, ch.alloc(), host, port, readTimeout));
                    }
                    // No frame encoder in the pipeline: the handler writes the frame whole (see frame()).
                    ch.pipeline().addLast(
                            new ZabbixFrameDecoder(MAX_REPLY_BYTES),
                            new ExchangeHandler(json, rows, result));
                }
            });
            b.connect(host, port).addListener((ChannelFuture f) -> {
                if (!f.isSuccess()) {
                    result.complete(new Exchange(rows, null, "cannot connect to [" + server() + "]: "
                            + ZabbixExchangeHandler.describe(f.cause())));
                }
            });
        } catch (RuntimeException e) {
            result.complete(new Exchange(rows, null, "cannot connect to [" + server() + "]: "
                    + ZabbixExchangeHandler.describe(e)));
        }
        return result;
    }

    /**
     * The frame for {@code json}: zlib-compressed (flag 0x03, reserved = the uncompressed length) when
     * compression is on and the zlib stream is shorter than the JSON, else plain (flag 0x01). zlib's fastest
     * level: a sender's JSON repeats itself so much that level 1 still shrinks it about nine times, at about
     * three times the speed of the default level 6 (BENCHMARKS.md, "courier send vs zabbix_sender").
     */
    static ByteBuf frame(byte[] json, boolean compression) {
        ByteBuf frame = Unpooled.buffer(ZabbixFrameEncoder.HEADER_BYTES + json.length);
        ZabbixFrameEncoder.encode(Unpooled.wrappedBuffer(json), compression, Deflater.BEST_SPEED, frame);
        return frame;
    }

    /** Closes every connection and stops the event loop threads. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** One request and its reply on one connection; completes {@code result} exactly once. */
    private final class ExchangeHandler extends SimpleChannelInboundHandler<ZabbixFrame> {
        private final byte[] json;
        private final int rows;
        private final CompletableFuture<Exchange> result;
        private ScheduledFuture<?> deadline;

        ExchangeHandler(byte[] json, int rows, CompletableFuture<Exchange> result) {
            this.json = json;
            this.rows = rows;
            this.result = result;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            deadline = ctx.executor().schedule(() -> fail(ctx, "no reply from [" + server() + "] within "
                    + readTimeout.toSeconds() + " s"), readTimeout.toNanos(), TimeUnit.NANOSECONDS);
            ctx.writeAndFlush(frame(json, compression)).addListener(f -> {
                if (!f.isSuccess()) {
                    fail(ctx, "cannot send to [" + server() + "]: " + ZabbixExchangeHandler.describe(f.cause()));
                }
            });
            ctx.fireChannelActive();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ZabbixFrame reply) {
            byte[] answer = ByteBufUtil.getBytes(reply.content());
            try {
                finish(ctx, new Exchange(rows, ZabbixResponse.parse(answer), null));
            } catch (IllegalArgumentException e) {
                fail(ctx, "incorrect answer from [" + server() + "]: " + e.getMessage());
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            // Before the SSL handler closes the channel and its error reaches exceptionCaught, so the
            // handshake's own reason is the one reported; worded as zabbix_sender words it.
            if (event instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
                fail(ctx, "TCP successful, cannot establish TLS to [" + server() + "]: TLS handshake: "
                        + ZabbixExchangeHandler.describe(handshake.cause()));
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, "cannot receive from [" + server() + "]: " + ZabbixExchangeHandler.describe(cause));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // Deferred by one task, so a decoder error raised while closing says more than "closed".
            ctx.executor().execute(() -> fail(ctx, "connection to [" + server() + "] closed before a reply"));
            ctx.fireChannelInactive();
        }

        private void fail(ChannelHandlerContext ctx, String why) {
            finish(ctx, new Exchange(rows, null, why));
        }

        private void finish(ChannelHandlerContext ctx, Exchange exchange) {
            if (result.complete(exchange)) {
                if (deadline != null) {
                    deadline.cancel(false);
                }
                ctx.close();
            }
        }
    }
}
