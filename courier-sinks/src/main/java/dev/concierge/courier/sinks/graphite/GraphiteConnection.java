package dev.concierge.courier.sinks.graphite;

import dev.concierge.courier.core.spi.FailureText;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one long-lived connection to one carbon server, opened on the first write and again after it broke.
 *
 * <p>Every channel operation runs on the sink's single event loop, so the channel fields need no lock;
 * {@link #write} may be called from any thread. Whether the server is marked down is read by the sending
 * thread to route lines, hence volatile: a failed connect marks it down for the sink's recheck interval,
 * a successful one clears the mark.
 */
final class GraphiteConnection {
    private static final Logger LOG = LoggerFactory.getLogger(GraphiteConnection.class);

    /** How one write ended: flushed to the socket, or not, and why. */
    record Written(boolean flushed, String detail) {
    }

    private final String sinkName;
    private final GraphiteSinkConfig.Server server;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Duration writeTimeout;
    private final LongSupplier nanoClock;
    private final long downForNanos;

    private Channel channel; // event loop only
    private ChannelFuture connecting; // event loop only
    private volatile boolean down;
    private volatile long downUntilNanos;

    GraphiteConnection(String sinkName, GraphiteSinkConfig.Server server, EventLoop loop, Bootstrap bootstrap,
                       Duration writeTimeout, LongSupplier nanoClock, Duration downFor) {
        this.sinkName = sinkName;
        this.server = server;
        this.loop = loop;
        this.writeTimeout = writeTimeout;
        this.nanoClock = nanoClock;
        this.downForNanos = downFor.toNanos();
        this.bootstrap = bootstrap.clone(loop).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new DiscardReplies());
            }
        });
    }

    GraphiteSinkConfig.Server server() {
        return server;
    }

    /** False while a recent connect failed and the recheck interval has not passed. */
    boolean isUp(long nowNanos) {
        return !down || nowNanos - downUntilNanos >= 0;
    }

    /** When the down mark ends; meaningful only while not {@link #isUp}. */
    long downUntilNanos() {
        return downUntilNanos;
    }

    /**
     * Writes {@code bytes} and flushes them, connecting first if there is no open connection. The stage
     * always completes normally: flushed once the socket took every byte; not flushed when the connect
     * failed, the connection broke before the flush completed, or the write timeout passed (the
     * connection is then closed, since part of a line may have gone out).
     */
    CompletableFuture<Written> write(byte[] bytes) {
        CompletableFuture<Written> result = new CompletableFuture<>();
        try {
            loop.execute(() -> writeOnLoop(bytes, result));
        } catch (RejectedExecutionException e) {
            result.complete(new Written(false, server + ": sink closed"));
        }
        return result;
    }

    private void writeOnLoop(byte[] bytes, CompletableFuture<Written> result) {
        if (channel != null && channel.isActive()) {
            flush(channel, bytes, result);
            return;
        }
        if (channel != null) {
            channel.close();
            channel = null;
        }
        if (connecting == null) {
            connecting = bootstrap.connect(server.host(), server.port());
        }
        ChannelFuture attempt = connecting;
        attempt.addListener((ChannelFuture f) -> {
            if (connecting == attempt) {
                connecting = null;
            }
            if (f.isSuccess()) {
                if (channel != f.channel()) {
                    channel = f.channel();
                    down = false;
                    LOG.debug("graphite sink {}: connected to {}", sinkName, server);
                    channel.closeFuture().addListener(c -> LOG.debug("graphite sink {}: connection to {} closed",
                            sinkName, server));
                }
                flush(channel, bytes, result);
            } else {
                markDown(f.cause());
                result.complete(new Written(false, server + ": connect: " + describe(f.cause())));
            }
        });
    }

    private void flush(Channel ch, byte[] bytes, CompletableFuture<Written> result) {
        ChannelFuture written = ch.writeAndFlush(Unpooled.wrappedBuffer(bytes));
        ScheduledFuture<?> timer = loop.schedule(() -> {
            if (result.complete(new Written(false, server + ": not flushed within write_timeout " + writeTimeout
                    + " (carbon not reading)"))) {
                ch.close();
            }
        }, writeTimeout.toNanos(), TimeUnit.NANOSECONDS);
        written.addListener(f -> {
            timer.cancel(false);
            if (f.isSuccess()) {
                result.complete(new Written(true, server.toString()));
            } else {
                ch.close();
                result.complete(new Written(false, server + ": connection broke before the flush completed: "
                        + describe(f.cause())));
            }
        });
    }

    private void markDown(Throwable cause) {
        if (isUp(nanoClock.getAsLong())) {
            // The runner logs the failed attempt (once per failure episode); this is the routing detail.
            LOG.debug("graphite sink {}: {} marked down for {} ms: {}", sinkName, server, downForNanos / 1_000_000,
                    describe(cause));
        }
        downUntilNanos = nanoClock.getAsLong() + downForNanos;
        down = true;
    }

    static String describe(Throwable cause) {
        return FailureText.of(cause);
    }

    /** Carbon never answers on the line port; anything it sends is dropped, and an I/O error closes. */
    private final class DiscardReplies extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("graphite sink {}: connection to {} failed: {}", sinkName, server, describe(cause));
            ctx.close();
        }
    }
}
