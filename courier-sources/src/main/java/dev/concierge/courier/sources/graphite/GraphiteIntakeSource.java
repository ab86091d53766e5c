package dev.concierge.courier.sources.graphite;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.AcknowledgingEmitter;
import dev.concierge.courier.core.spi.CountsEvents;
import dev.concierge.courier.core.spi.PushSource;
import dev.concierge.courier.core.spi.SourceException;
import dev.concierge.courier.sources.intake.AllowedPeers;
import dev.concierge.courier.sources.intake.IntakeCounts;
import dev.concierge.courier.sources.intake.IntakeGate;
import dev.concierge.courier.sources.intake.IntakeListener;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code type: graphite_intake}: Graphite's plaintext protocol on TCP, and optionally UDP, as carbon takes it;
 * see the package comment for what a crash can lose, and {@code sample.yaml}.
 *
 * <p>The lines of one read (TCP) or one datagram (UDP) are handed to the pipeline together. Graphite has no
 * acknowledgement, so none is waited for: a line is in the ledger once the sinks have taken it from the ring,
 * moments after it arrived.
 */
public final class GraphiteIntakeSource implements PushSource, CountsEvents {
    private static final Logger log = LoggerFactory.getLogger(GraphiteIntakeSource.class);

    private final GraphiteIntakeConfig config;
    private final Clock clock;
    private final GraphiteLineParser parser;
    private final IntakeCounts counts = new IntakeCounts();
    private final Map<String, LongSupplier> events = counts.events();
    private volatile IntakeListener listener;
    private volatile Channel udp;

    private GraphiteIntakeSource(GraphiteIntakeConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        List<GraphiteTemplate> templates = new ArrayList<>();
        config.templates().forEach(text -> templates.add(GraphiteTemplate.parse(text)));
        this.parser = new GraphiteLineParser(templates, config.defaultHost(), config.name());
    }

    public static GraphiteIntakeSource create(GraphiteIntakeConfig config) {
        return new GraphiteIntakeSource(config, Clock.systemUTC());
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public Map<String, LongSupplier> events() {
        return events;
    }

    @Override
    public synchronized void listen(AcknowledgingEmitter out) throws SourceException {
        if (listener != null) {
            return;
        }
        AllowedPeers allowed = AllowedPeers.of(config.allowed());
        IntakeGate gate = new IntakeGate(allowed, config.maxConnections(), null, counts);
        listener = IntakeListener.bind("graphite-intake", config.host(), config.port(), ch -> ch.pipeline().addLast(
                gate, new ReadTimeoutHandler(config.idleTimeout().toNanos(), TimeUnit.NANOSECONDS),
                new LineBasedFrameDecoder(config.maxLineBytes(), true, false), new LineHandler(out)));
        if (config.udpPort() >= 0) {
            ChannelFuture bound = new Bootstrap().group(listener.workers()).channel(NioDatagramChannel.class)
                    .handler(new DatagramHandler(out, allowed))
                    .bind(config.host(), config.udpPort()).awaitUninterruptibly();
            if (!bound.isSuccess()) {
                listener.close();
                listener = null;
                throw new SourceException("cannot listen on udp " + config.host() + ":" + config.udpPort() + ": "
                        + bound.cause(), bound.cause());
            }
            udp = bound.channel();
        }
        log.info("source {}: listening for Graphite plaintext on {}{} (allowed: {})", config.name(), listener.localAddress(),
                udp == null ? "" : " and udp " + udp.localAddress(), allowed);
    }

    /** The TCP port it listens on; -1 before {@link #listen}. */
    public int port() {
        IntakeListener current = listener;
        return current == null ? -1 : current.localAddress().getPort();
    }

    /** The UDP port it listens on; -1 without UDP or before {@link #listen}. */
    public int udpPort() {
        Channel channel = udp;
        return channel == null ? -1 : ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Stops listening and closes every connection; lines the kernel holds for it are lost. */
    @Override
    public synchronized void close() {
        if (udp != null) {
            udp.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (listener != null) {
            listener.close();
        }
    }

    private void parseInto(List<Sample> batch, String line, Instant at) {
        Sample sample = parser.parse(line, at);
        if (sample != null) {
            batch.add(sample);
        } else if (!line.isBlank()) {
            counts.valuesRefused.incrementAndGet();
            log.debug("source {}: malformed line: {}", config.name(), line);
        }
    }

    private void offer(AcknowledgingEmitter out, List<Sample> batch) {
        if (!batch.isEmpty()) {
            counts.valuesRefused.addAndGet(out.offerAll(batch).refused());
        }
    }

    /** The lines of one connection; the lines of one read go to the pipeline together. One per channel. */
    private final class LineHandler extends SimpleChannelInboundHandler<ByteBuf> {
        private final AcknowledgingEmitter out;
        private List<Sample> batch = new ArrayList<>();

        LineHandler(AcknowledgingEmitter out) {
            this.out = out;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
            parseInto(batch, line.toString(StandardCharsets.UTF_8), clock.instant());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            List<Sample> full = batch;
            batch = new ArrayList<>();
            offer(out, full);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof TooLongFrameException) {
                counts.valuesRefused.incrementAndGet(); // the decoder drops the line and goes on
                return;
            }
            if (cause instanceof ReadTimeoutException) {
                counts.requestsTimedOut.incrementAndGet();
            }
            log.debug("source {}: connection from {} closed: {}", config.name(), ctx.channel().remoteAddress(),
                    cause.toString());
            ctx.close();
        }
    }

    /** Each datagram's lines, from allowed senders only. */
    private final class DatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final AcknowledgingEmitter out;
        private final AllowedPeers allowed;

        DatagramHandler(AcknowledgingEmitter out, AllowedPeers allowed) {
            this.out = out;
            this.allowed = allowed;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            if (!allowed.allows(packet.sender().getAddress())) {
                counts.refusedNotAllowed.incrementAndGet();
                return;
            }
            Instant at = clock.instant();
            List<Sample> batch = new ArrayList<>();
            for (String line : packet.content().toString(StandardCharsets.UTF_8).split("\n")) {
                parseInto(batch, line, at);
            }
            offer(out, batch);
        }
    }
}
