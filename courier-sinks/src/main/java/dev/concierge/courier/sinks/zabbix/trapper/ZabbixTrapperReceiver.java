package dev.concierge.courier.sinks.zabbix.trapper;

import dev.concierge.courier.sinks.zabbix.client.ZabbixFrame;
import dev.concierge.courier.sinks.zabbix.client.ZabbixFrameDecoder;
import dev.concierge.courier.sinks.zabbix.client.ZabbixFrameEncoder;
import dev.concierge.courier.sinks.zabbix.client.ZabbixResponse;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Zabbix trapper on 127.0.0.1, for demos and tests: it accepts a connection, decodes one frame, parses
 * its {@code sender data} rows, records them, answers
 * {@code {"response":"success","info":"processed: N; failed: M; total: T; seconds spent: 0.000050"}} with
 * the flags of the request (a compressed reply to a compressed request), and closes, as the real trapper
 * does (PROTOCOLS.md §1.3).
 *
 * <p>A row is processed when its key passes the {@code acceptsKey} predicate and failed otherwise, which
 * stands in for the server's unknown host/key checks. A request that is not valid {@code sender data}
 * gets {@code {"response":"failed","info":"<why>"}}; a frame that cannot be decoded gets no reply and the
 * connection closes, as with the real server.
 *
 * <p>Thread-safe: the recordings may be read from any thread while connections are served; the listener
 * runs on the receiver's event loop thread, once per row, in the order of the request.
 */
public final class ZabbixTrapperReceiver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ZabbixTrapperReceiver.class);
    private static final int IDLE_SECONDS = 30;

    /** Called for every row received, on the receiver's thread; must not block. */
    @FunctionalInterface
    public interface RowListener {
        void received(Row row, boolean processed);
    }

    /**
     * One connection's request and the answer it got.
     *
     * @param request    the request as parsed, rows in wire order
     * @param compressed whether the request (and so the reply) carried flag 0x02
     * @param response   what the receiver answered
     */
    public record Exchange(ZabbixSenderRequest request, boolean compressed, ZabbixResponse response) {
    }

    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final Predicate<String> acceptsKey;
    private final RowListener listener;
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();

    private ZabbixTrapperReceiver(int port, Predicate<String> acceptsKey, RowListener listener) {
        this.acceptsKey = Objects.requireNonNull(acceptsKey, "acceptsKey");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.group = new NioEventLoopGroup(1, new DefaultThreadFactory("zabbix-trapper-receiver", true));
        try {
            this.serverChannel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(
                                    new ReadTimeoutHandler(IDLE_SECONDS),
                                    new ZabbixFrameDecoder(),
                                    new ZabbixFrameEncoder(),
                                    new TrapperHandler());
                        }
                    })
                    .bind("127.0.0.1", port).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** A receiver on a free port that processes every row. */
    public static ZabbixTrapperReceiver create() {
        return create(0, key -> true, (row, processed) -> { });
    }

    /**
     * A receiver on 127.0.0.1.
     *
     * @param port       the port to listen on; 0 picks a free one, read it back with {@link #port()}
     * @param acceptsKey which item keys are processed; the others count as failed
     * @param listener   told of every row received
     */
    public static ZabbixTrapperReceiver create(int port, Predicate<String> acceptsKey, RowListener listener) {
        return new ZabbixTrapperReceiver(port, acceptsKey, listener);
    }

    /** The port it listens on. */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Every {@code sender data} request answered with {@code success}, in the order they were answered. */
    public List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    /** Every row received, processed or failed, in the order received. */
    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Exchange exchange : exchanges) {
            rows.addAll(exchange.request().rows());
        }
        return rows;
    }

    /** Stops listening and closes every connection. */
    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private final class TrapperHandler extends SimpleChannelInboundHandler<ZabbixFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ZabbixFrame frame) {
            long started = System.nanoTime();
            byte[] json = ByteBufUtil.getBytes(frame.content());
            ZabbixResponse response;
            try {
                ZabbixSenderRequest request = ZabbixSenderRequest.parse(json, Instant.now());
                int processed = 0;
                for (Row row : request.rows()) {
                    boolean accepted = acceptsKey.test(row.key());
                    processed += accepted ? 1 : 0;
                    listener.received(row, accepted);
                }
                response = ZabbixResponse.success(processed, request.size() - processed,
                        (System.nanoTime() - started) / 1e9);
                exchanges.add(new Exchange(request, frame.compressed(), response));
            } catch (IllegalArgumentException e) {
                response = ZabbixResponse.failed(e.getMessage());
            }
            // One request per connection: answer with the request's flags, then close.
            ctx.writeAndFlush(new ZabbixFrame(Unpooled.wrappedBuffer(response.toJson()), frame.compressed()))
                    .addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("Zabbix trapper receiver: dropping {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
