package dev.concierge.courier.sinks.zabbix;

import io.netty.buffer.ByteBuf;
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
 * One request/reply exchange on one connection: renders the request into a pooled buffer and writes it as a
 * frame when the connection is up (an SSL handler in front holds it until the handshake is done), waits at most the read timeout, handshake
 * included, for one reply frame, classifies it, closes. Completes {@code result} exactly once, always
 * normally; runs on the channel's event loop.
 */
final class ZabbixExchangeHandler extends SimpleChannelInboundHandler<ZabbixFrame> {
    private final ZabbixSenderRequest request;
    private final int rows;
    private final Duration readTimeout;
    private final CompletableFuture<ZabbixFrameResult> result;
    private ScheduledFuture<?> deadline;

    ZabbixExchangeHandler(ZabbixSenderRequest request, Duration readTimeout,
                          CompletableFuture<ZabbixFrameResult> result) {
        this.request = request;
        this.rows = request.size();
        this.readTimeout = readTimeout;
        this.result = result;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(
                () -> finish(ctx, ZabbixFrameResult.retry(rows, "read timeout: no reply within " + readTimeout.toMillis()
                        + " ms")), readTimeout.toNanos(), TimeUnit.NANOSECONDS);
        // Rendered here rather than by the caller: the JSON of a large frame never becomes a heap array (one
        // of 4,000 rows is past G1's humongous threshold on a small heap), and the buffer goes back to the pool
        // once the encoder has copied it into the frame.
        ByteBuf payload = ctx.alloc().buffer(request.estimatedJsonBytes());
        try {
            request.writeTo(payload);
        } catch (RuntimeException e) {
            payload.release();
            finish(ctx, ZabbixFrameResult.retry(rows, "request: " + describe(e)));
            return;
        }
        ctx.writeAndFlush(payload).addListener(f -> {
            if (!f.isSuccess()) {
                finish(ctx, ZabbixFrameResult.retry(rows, "write: " + describe(f.cause())));
            }
        });
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ZabbixFrame reply) {
        byte[] json = ByteBufUtil.getBytes(reply.content());
        ZabbixFrameResult frameResult;
        try {
            frameResult = ZabbixFrameResult.of(ZabbixResponse.parse(json), rows);
        } catch (IllegalArgumentException e) {
            frameResult = ZabbixFrameResult.retry(rows, e.getMessage());
        }
        finish(ctx, frameResult);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        // Fired before the SSL handler closes the channel and before the decode error reaches exceptionCaught,
        // so the handshake's own reason is the one reported.
        if (event instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
            finish(ctx, ZabbixFrameResult.retry(rows, "TLS handshake: " + describe(handshake.cause())));
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        finish(ctx, ZabbixFrameResult.retry(rows, describe(cause)));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // Deferred by one task: when the input ends inside a frame, the decoder reports it through
        // exceptionCaught right after this call, and that says more than "closed".
        ctx.executor().execute(() -> finish(ctx,
                ZabbixFrameResult.retry(rows, "connection closed before a complete reply (outcome unknown)")));
        ctx.fireChannelInactive();
    }

    private void finish(ChannelHandlerContext ctx, ZabbixFrameResult frameResult) {
        if (result.complete(frameResult)) {
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
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
