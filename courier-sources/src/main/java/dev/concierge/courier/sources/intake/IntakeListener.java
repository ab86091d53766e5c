package dev.concierge.courier.sources.intake;

import dev.concierge.courier.core.spi.SourceException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An intake's TCP listener: one acceptor thread and two I/O threads (an intake's work per request is parsing;
 * waiting for durability holds no thread), bound at once, closed with every connection. Thread-safe.
 */
public final class IntakeListener implements AutoCloseable {
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final Channel server;

    private IntakeListener(EventLoopGroup acceptor, EventLoopGroup workers, Channel server) {
        this.acceptor = acceptor;
        this.workers = workers;
        this.server = server;
    }

    /**
     * Binds {@code host:port} and sets up each accepted connection with {@code connection}.
     *
     * @param threads names the threads ({@code <threads>-accept-1}, {@code <threads>-1})
     * @throws SourceException when it cannot bind; nothing is left running
     */
    public static IntakeListener bind(String threads, String host, int port, Consumer<SocketChannel> connection)
            throws SourceException {
        EventLoopGroup acceptor = new NioEventLoopGroup(1, new DefaultThreadFactory(threads + "-accept", true));
        EventLoopGroup workers = new NioEventLoopGroup(2, new DefaultThreadFactory(threads, true));
        // awaitUninterruptibly, not sync: sync rethrows a BindException unchecked, past a catch of ours.
        ChannelFuture bound = new ServerBootstrap().group(acceptor, workers).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connection.accept(ch);
                    }
                })
                .bind(host, port).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new SourceException("cannot listen on " + host + ":" + port + ": " + bound.cause(), bound.cause());
        }
        return new IntakeListener(acceptor, workers, bound.channel());
    }

    /** The I/O threads, for a datagram channel beside the listener. */
    public EventLoopGroup workers() {
        return workers;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Stops listening and closes every connection, waiting a few seconds at most. */
    @Override
    public void close() {
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
