package dev.concierge.courier.sinks.zabbix.client;

import dev.concierge.courier.core.spi.FailureText;
import dev.concierge.courier.sinks.zabbix.client.ZabbixExchange.Stage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request/reply exchange on one connection: renders the request when the connection is up and writes
 * it (the {@link ZabbixFrameEncoder} behind makes it a frame; an SSL handler in front holds it until the
 * handshake is done), waits at most the read timeout, handshake included, for one reply frame, closes.
 * Completes {@code result} exactly once, always normally; runs on the channel's event loop.
 */
final class ZabbixExchangeHandler extends SimpleChannelInboundHandler<ZabbixFrame> {

    /** The request's payload, made on the event loop; the buffer passes to the channel. */
    @FunctionalInterface
    interface Body {
        ByteBuf render(ByteBufAllocator alloc);
    }

    private final Body body;
    private final int rows;
    private final Duration readTimeout;
    private final CompletableFuture<ZabbixExchange> result;
    private ScheduledFuture<?> deadline;

    ZabbixExchangeHandler(Body body, int rows, Duration readTimeout, CompletableFuture<ZabbixExchange> result) {
        this.body = body;
        this.rows = rows;
        this.readTimeout = readTimeout;
        this.result = result;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> fail(ctx, Stage.READ_TIMEOUT, "no reply within "
                + readTimeout.toMillis() + " ms"), readTimeout.toNanos(), TimeUnit.NANOSECONDS);
        ByteBuf payload;
        try {
            payload = body.render(ctx.alloc());
        } catch (RuntimeException e) {
            fail(ctx, Stage.RENDER, describe(e));
            return;
        }
        ctx.writeAndFlush(payload).addListener(f -> {
            if (!f.isSuccess()) {
                fail(ctx, Stage.WRITE, describe(f.cause()));
            }
        });
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ZabbixFrame reply) {
        byte[] json = ByteBufUtil.getBytes(reply.content());
        ZabbixResponse response;
        try {
            response = ZabbixResponse.parse(json);
        } catch (IllegalArgumentException e) {
            fail(ctx, Stage.REPLY, e.getMessage());
            return;
        }
        finish(ctx, ZabbixExchange.answered(rows, response));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        // Fired before the SSL handler closes the channel and before the decode error reaches exceptionCaught,
        // so the handshake's own reason is the one reported.
        if (event instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
            // The stage already says it was the handshake: its reason is the message.
            String reason = handshake.cause().getMessage();
            fail(ctx, Stage.TLS_HANDSHAKE, reason == null ? describe(handshake.cause()) : FailureText.plain(reason));
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, Stage.RECEIVE, describe(cause));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // Deferred by one task: when the input ends inside a frame, the decoder reports it through
        // exceptionCaught right after this call, and that says more than "closed".
        ctx.executor().execute(() -> fail(ctx, Stage.CLOSED, "connection closed before a complete reply"));
        ctx.fireChannelInactive();
    }

    private void fail(ChannelHandlerContext ctx, Stage stage, String cause) {
        finish(ctx, ZabbixExchange.failed(rows, stage, cause));
    }

    private void finish(ChannelHandlerContext ctx, ZabbixExchange exchange) {
        if (result.complete(exchange)) {
            if (deadline != null) {
                deadline.cancel(false);
            }
            ctx.close();
        }
    }

    /** The most telling message: decoder errors carry theirs in the cause. */
    static String describe(Throwable cause) {
        // Netty wraps non-decoder exceptions thrown while decoding in a bare DecoderException.
        Throwable t = cause.getClass() == DecoderException.class && cause.getCause() != null ? cause.getCause() : cause;
        String message = t.getMessage();
        if (t instanceof DecoderException) {
            return "reply: " + message;
        }
        return FailureText.of(t);
    }
}
