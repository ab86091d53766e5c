package dev.concierge.courier.sources.intake;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every accepted connection: it closes a client that {@link AllowedPeers} does not allow
 * or that would pass the connection limit, and cuts off one that has not sent its whole request within the
 * time allowed (a slow or endless client holds neither a connection slot nor memory for long). The protocol's
 * handler calls {@link #requestReceived} once the request is complete; from then on the connection is the
 * protocol's until it closes.
 *
 * <p>One instance per listener, shared by its connections ({@link ChannelHandler.Sharable}); the state of one
 * connection lives in its channel's pipeline as a {@link Deadline}.
 */
@ChannelHandler.Sharable
public final class IntakeGate extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(IntakeGate.class);

    private final AllowedPeers allowed;
    private final int maxConnections;
    private final Duration requestTimeout;
    private final IntakeCounts counts;
    private final AtomicInteger open = new AtomicInteger();

    /**
     * @param maxConnections the most connections open at once; one more is closed as it arrives
     * @param requestTimeout the longest a client may take from connecting to the end of its request; null for
     *                       a stream of lines that has no end (then only the limits of the protocol apply)
     */
    public IntakeGate(AllowedPeers allowed, int maxConnections, Duration requestTimeout, IntakeCounts counts) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 1)");
        }
        this.allowed = Objects.requireNonNull(allowed, "allowed");
        this.maxConnections = maxConnections;
        this.requestTimeout = requestTimeout;
        this.counts = Objects.requireNonNull(counts, "counts");
    }

    /** Connections open now. */
    public int openConnections() {
        return open.get();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        if (remote == null || !allowed.allows(remote.getAddress())) {
            counts.refusedNotAllowed.incrementAndGet();
            log.debug("refused a connection from {}: not in allowed ({})", remote, allowed);
            ctx.close();
            return;
        }
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            counts.refusedOverConnectionLimit.incrementAndGet();
            log.debug("refused a connection from {}: {} connections open (limit {})", remote, maxConnections,
                    maxConnections);
            ctx.close();
            return;
        }
        ctx.channel().closeFuture().addListener(closed -> open.decrementAndGet());
        if (requestTimeout != null) {
            ScheduledFuture<?> cutOff = ctx.executor().schedule(() -> {
                counts.requestsTimedOut.incrementAndGet();
                log.debug("cut off {}: no complete request within {}", remote, requestTimeout);
                ctx.close();
            }, requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
            ctx.channel().attr(Deadline.KEY).set(new Deadline(cutOff));
        }
        super.channelActive(ctx);
    }

    /** The request is complete: the client is no longer cut off for being slow. Call on the channel's loop. */
    public static void requestReceived(ChannelHandlerContext ctx) {
        Deadline deadline = ctx.channel().attr(Deadline.KEY).getAndSet(null);
        if (deadline != null) {
            deadline.cutOff().cancel(false);
        }
    }

    /** A connection's cut-off, cancelled once its request is in. */
    record Deadline(ScheduledFuture<?> cutOff) {
        static final io.netty.util.AttributeKey<Deadline> KEY = io.netty.util.AttributeKey.valueOf("intake-deadline");
    }
}
