package dev.concierge.courier.benchmarks;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ByteProcessor;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Zabbix trapper on 127.0.0.1 that does as little as a receiver can while still answering truthfully: it
 * reads one uncompressed frame per connection (PROTOCOLS.md §1.1), counts the rows of its {@code data} array
 * with a byte-level scan of the JSON structure (strings and escapes skipped, every object that opens directly
 * inside the top-level object's array is a row), answers
 * {@code {"response":"success","info":"processed: N; failed: 0; total: N; seconds spent: 0.000000"}} and
 * closes, as the real trapper does (§1.3). Nothing is kept or parsed into objects, so the senders measured
 * against it, not the receiver, set the pace.
 *
 * <p>The embedded {@code ZabbixTrapperReceiver} parses every row into a record and keeps every request; this
 * class exists because that work (and its heap) would otherwise be part of what is measured.
 *
 * <p>A frame with a bad header, the compression flag, or bytes after its payload is dropped without a reply.
 * The counters may be read from any thread.
 */
final class CountingTrapper implements AutoCloseable {
    private static final int HEADER_BYTES = 13;

    private final EventLoopGroup group;
    private final Channel server;
    private final LongAdder rows = new LongAdder();
    private final LongAdder frames = new LongAdder();
    private final LongAdder bytes = new LongAdder();

    private CountingTrapper(int threads, int port) {
        group = new NioEventLoopGroup(threads, new DefaultThreadFactory("counting-trapper", true));
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new FrameCounter());
                    }
                })
                .bind("127.0.0.1", port).syncUninterruptibly().channel();
    }

    /** A receiver on a free port of 127.0.0.1 served by {@code threads} event loop threads. */
    static CountingTrapper create(int threads) {
        return new CountingTrapper(threads, 0);
    }

    /** A receiver on {@code port} of 127.0.0.1, e.g. one a sink was given while nothing listened there. */
    static CountingTrapper create(int threads, int port) {
        return new CountingTrapper(threads, port);
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Rows answered as processed so far. */
    long rows() {
        return rows.sum();
    }

    /** Frames answered so far: one per connection. */
    long frames() {
        return frames.sum();
    }

    /** Frame bytes (headers and payloads) answered so far. */
    long bytes() {
        return bytes.sum();
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    /** One connection: the header, then the payload scanned as it arrives; never accumulated. */
    private final class FrameCounter extends ChannelInboundHandlerAdapter implements ByteProcessor {
        private final byte[] header = new byte[HEADER_BYTES];
        private int headerRead;
        private long payloadLeft = -1;
        private long payloadBytes;
        // The JSON scan: nesting depth, inside a string, after a backslash inside a string.
        private int depth;
        private boolean inString;
        private boolean escaped;
        private int rowCount;
        private boolean answered;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                if (answered) {
                    return; // bytes after the payload: the real trapper drops such a frame; ignore them
                }
                while (headerRead < HEADER_BYTES && in.isReadable()) {
                    header[headerRead++] = in.readByte();
                }
                if (headerRead < HEADER_BYTES) {
                    return;
                }
                if (payloadLeft < 0 && !startPayload()) {
                    ctx.close();
                    return;
                }
                int n = (int) Math.min(in.readableBytes(), payloadLeft);
                if (n > 0) {
                    in.forEachByte(in.readerIndex(), n, this);
                    payloadLeft -= n;
                }
                if (payloadLeft == 0) {
                    answer(ctx);
                }
            } finally {
                in.release();
            }
        }

        private boolean startPayload() {
            if (header[0] != 'Z' || header[1] != 'B' || header[2] != 'X' || header[3] != 'D' || header[4] != 0x01) {
                return false;
            }
            payloadBytes = (header[5] & 0xFFL) | (header[6] & 0xFFL) << 8 | (header[7] & 0xFFL) << 16
                    | (header[8] & 0xFFL) << 24;
            payloadLeft = payloadBytes;
            return true;
        }

        @Override
        public boolean process(byte b) {
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (b == '\\') {
                    escaped = true;
                } else if (b == '"') {
                    inString = false;
                }
                return true;
            }
            switch (b) {
                case '"' -> inString = true;
                case '{', '[' -> {
                    if (b == '{' && depth == 2) {
                        rowCount++; // {"request":..,"data":[ {row}, {row} ] ...}
                    }
                    depth++;
                }
                case '}', ']' -> depth--;
                default -> {
                }
            }
            return true;
        }

        private void answer(ChannelHandlerContext ctx) {
            answered = true;
            rows.add(rowCount);
            frames.increment();
            bytes.add(HEADER_BYTES + payloadBytes);
            byte[] json = ("{\"response\":\"success\",\"info\":\"processed: " + rowCount + "; failed: 0; total: "
                    + rowCount + "; seconds spent: 0.000000\"}").getBytes(StandardCharsets.US_ASCII);
            ByteBuf reply = ctx.alloc().heapBuffer(HEADER_BYTES + json.length);
            reply.writeBytes(header, 0, 5).writeIntLE(json.length).writeIntLE(0).writeBytes(json);
            ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
