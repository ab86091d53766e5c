package dev.concierge.courier.sources.zabbix;

import dev.concierge.courier.core.spi.AcknowledgingEmitter;
import dev.concierge.courier.core.spi.AcknowledgingEmitter.Receipt;
import dev.concierge.courier.sources.intake.IntakeCounts;
import dev.concierge.courier.sources.intake.IntakeGate;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one {@code sender data} request per connection, as the trapper does: reads the rows, hands the valid
 * ones to the pipeline, and replies {@code processed/failed/total} only once they are durable in every sink's
 * ledger; then closes. {@code failed} counts what the courier refused (rows the reader refused, samples a full
 * ring refused). Values not durable within the acknowledgement timeout are answered with a failed response, so
 * that {@code zabbix_sender} exits 1 and its script may send them again (they may then arrive twice, never not
 * at all). A frame the decoder refuses closes the connection without a reply, as on the server.
 *
 * <p>One instance per connection; every method runs on the channel's event loop, and the receipt's completion
 * is moved there before it replies.
 */
final class ZabbixIntakeHandler extends SimpleChannelInboundHandler<ZabbixRequest> {
    private static final Logger log = LoggerFactory.getLogger(ZabbixIntakeHandler.class);

    private final String source;
    private final AcknowledgingEmitter out;
    private final Duration acknowledgementTimeout;
    private final IntakeCounts counts;
    private final Clock clock;
    private boolean replied;

    ZabbixIntakeHandler(String source, AcknowledgingEmitter out, Duration acknowledgementTimeout, IntakeCounts counts,
                        Clock clock) {
        this.source = source;
        this.out = out;
        this.acknowledgementTimeout = acknowledgementTimeout;
        this.counts = counts;
        this.clock = clock;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ZabbixRequest request) {
        IntakeGate.requestReceived(ctx);
        long started = System.nanoTime();
        ZabbixSenderDataReader.SenderData data;
        try {
            data = ZabbixSenderDataReader.read(request.json(), clock.instant(), source);
        } catch (ZabbixSenderDataReader.NotSenderData e) {
            counts.requestsMalformed.incrementAndGet();
            reply(ctx, ZabbixReply.failed(e.getMessage()));
            return;
        }
        Receipt receipt = out.offerAll(data.samples());
        int failed = data.failed() + receipt.refused();
        counts.valuesRefused.addAndGet(failed);
        int processed = receipt.accepted();
        ScheduledFuture<?> timeout = ctx.executor().schedule(() -> {
            if (!replied) {
                counts.acknowledgementsTimedOut.incrementAndGet();
                log.warn("source {}: {} values from {} not durable within {}; answered failed so that the client "
                        + "sends them again", source, processed, ctx.channel().remoteAddress(), acknowledgementTimeout);
                reply(ctx, ZabbixReply.failed("values not stored durably within " + acknowledgementTimeout.toMillis()
                        + " ms; send them again"));
            }
        }, acknowledgementTimeout.toNanos(), TimeUnit.NANOSECONDS);
        receipt.durable().whenComplete((ok, error) -> ctx.executor().execute(() -> {
            timeout.cancel(false);
            if (replied) {
                return;
            }
            if (error != null) {
                reply(ctx, ZabbixReply.failed("values not stored: " + error.getMessage()));
            } else {
                reply(ctx, ZabbixReply.processed(processed, failed, System.nanoTime() - started, request.compressed()));
            }
        }));
    }

    private void reply(ChannelHandlerContext ctx, ZabbixReply reply) {
        replied = true;
        ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException && cause.getCause() instanceof NotSslRecordException
                || cause instanceof javax.net.ssl.SSLException
                || cause.getCause() instanceof javax.net.ssl.SSLException) {
            counts.tlsFailures.incrementAndGet();
            log.debug("source {}: TLS failed with {}: {}", source, ctx.channel().remoteAddress(), cause.toString());
        } else if (cause instanceof DecoderException) {
            counts.requestsMalformed.incrementAndGet();
            log.debug("source {}: refused a request from {}: {}", source, ctx.channel().remoteAddress(),
                    cause.getMessage());
        } else {
            log.debug("source {}: connection from {} failed: {}", source, ctx.channel().remoteAddress(),
                    cause.toString());
        }
        ctx.close();
    }
}
