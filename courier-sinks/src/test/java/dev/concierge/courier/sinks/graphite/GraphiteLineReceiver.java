package dev.concierge.courier.sinks.graphite;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A carbon line receiver stand-in on 127.0.0.1 and a free port: it records every line (without its newline)
 * and, like carbon, drops the connection on a line longer than 16384 bytes. It never writes anything back.
 */
final class GraphiteLineReceiver implements AutoCloseable {
    private final EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("graphite-receiver", true));
    private final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final Channel server;

    private GraphiteLineReceiver(int port) {
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.incrementAndGet();
                        open.add(ch);
                        ch.pipeline().addLast(
                                new LineBasedFrameDecoder(GraphiteLineEncoder.MAX_LINE_BYTES, true, true),
                                new StringDecoder(StandardCharsets.UTF_8),
                                new SimpleChannelInboundHandler<String>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, String line) {
                                        lines.add(line);
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        ctx.close(); // a line over the limit: carbon drops the connection too
                                    }
                                });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", port)).syncUninterruptibly().channel();
    }

    static GraphiteLineReceiver start() {
        return new GraphiteLineReceiver(0);
    }

    /** A receiver on {@code port}, which an earlier receiver of this test held and released. */
    static GraphiteLineReceiver startOn(int port) {
        return new GraphiteLineReceiver(port);
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Every line received so far, in arrival order, without newlines. */
    List<String> lines() {
        return List.copyOf(lines);
    }

    /** How many connections were accepted so far. */
    int connections() {
        return connections.get();
    }

    /** Closes every accepted connection, and keeps listening. */
    void dropConnections() {
        open.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        open.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
