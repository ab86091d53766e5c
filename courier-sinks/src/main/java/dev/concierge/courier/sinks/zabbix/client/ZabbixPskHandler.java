package dev.concierge.courier.sinks.zabbix.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Vector;
import javax.net.ssl.SSLHandshakeException;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.BasicTlsPSKExternal;
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.PRFAlgorithm;
import org.bouncycastle.tls.PSKTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * TLS with a pre-shared key below the Zabbix framing, in place of Netty's {@code SslHandler}, which only
 * drives JSSE engines and JSSE has no PSK. It drives Bouncy Castle's own TLS client in its non-blocking mode
 * ({@link TlsClientProtocol} without streams: bytes in with {@code offerInput}, bytes out with
 * {@code readOutput}).
 *
 * <p>What it offers is what Zabbix accepts for PSK (PROTOCOLS.md §1.8; Zabbix's own cipher lists for
 * GnuTLS and OpenSSL): TLS 1.3 with the key as an external PSK (TLS_AES_128_GCM_SHA256, key exchange
 * {@code psk_dhe_ke}), and TLS 1.2 with ECDHE-PSK or PSK and AES-128. The identity is sent as UTF-8.
 *
 * <p>Like {@code SslHandler}: writes wait until the handshake is done; the handshake's end is told with an
 * {@link SslHandshakeCompletionEvent}, which {@code ZabbixExchangeHandler} turns into a
 * {@code TLS_HANDSHAKE} failure; closing sends {@code close_notify}. One per connection, on its event loop.
 */
final class ZabbixPskHandler extends ChannelDuplexHandler {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] identity;
    private final byte[] key;
    private final ProtocolVersion[] versions;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private TlsClientProtocol protocol;
    private volatile boolean handshakeDone;
    private volatile String alert; // the fatal alert the server sent, for the handshake's failure message
    private boolean failed; // the handshake's failure was told once

    private record Pending(ByteBuf data, ChannelPromise promise) {
    }

    /**
     * @param identity the PSK identity, UTF-8
     * @param key      the key's bytes; the handler keeps its own copy
     * @param versions the TLS versions offered, newest first
     */
    ZabbixPskHandler(byte[] identity, byte[] key, ProtocolVersion[] versions) {
        this.identity = identity.clone();
        this.key = key.clone();
        this.versions = versions.clone();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        protocol = new TlsClientProtocol();
        try {
            protocol.connect(new Client(new BcTlsCrypto(RANDOM)));
            flushOutput(ctx);
        } catch (IOException e) {
            handshakeFailed(ctx, e);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        byte[] bytes;
        try {
            bytes = ByteBufUtil.getBytes(in);
        } finally {
            ReferenceCountUtil.release(in);
        }
        if (protocol == null || protocol.isClosed()) {
            return;
        }
        try {
            protocol.offerInput(bytes);
            flushOutput(ctx);
            if (handshakeDone && !pending.isEmpty()) {
                writePending(ctx);
            }
            int available = protocol.getAvailableInputBytes();
            if (available > 0) {
                byte[] plain = new byte[available];
                protocol.readInput(plain, 0, available);
                ctx.fireChannelRead(Unpooled.wrappedBuffer(plain));
            }
        } catch (IOException e) {
            if (!handshakeDone) {
                handshakeFailed(ctx, e);
            } else {
                ctx.fireExceptionCaught(e);
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (protocol != null && !handshakeDone) {
            // GnuTLS ends a PSK handshake it will not complete by closing, often without an alert.
            handshakeFailed(ctx, new IOException("connection closed during the TLS handshake"));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ByteBuf data = (ByteBuf) msg;
        if (!handshakeDone) {
            pending.add(new Pending(data, promise));
            return;
        }
        encrypt(ctx, data, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (protocol != null && !protocol.isClosed()) {
            try {
                protocol.close(); // queues close_notify
                flushOutput(ctx);
            } catch (IOException e) {
                // closing anyway
            }
        }
        failPending(new IOException("connection closed"));
        ctx.close(promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        failPending(new IOException("handler removed"));
        Arrays.fill(key, (byte) 0);
    }

    private void encrypt(ChannelHandlerContext ctx, ByteBuf data, ChannelPromise promise) {
        try {
            byte[] plain = ByteBufUtil.getBytes(data);
            protocol.writeApplicationData(plain, 0, plain.length);
            int n = protocol.getAvailableOutputBytes();
            byte[] out = new byte[n];
            protocol.readOutput(out, 0, n);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(out), promise);
        } catch (IOException e) {
            promise.tryFailure(e);
        } finally {
            ReferenceCountUtil.release(data);
        }
    }

    private void writePending(ChannelHandlerContext ctx) {
        Pending next;
        while ((next = pending.poll()) != null) {
            encrypt(ctx, next.data(), next.promise());
        }
    }

    private void failPending(Throwable cause) {
        Pending next;
        while ((next = pending.poll()) != null) {
            ReferenceCountUtil.release(next.data());
            next.promise().tryFailure(cause);
        }
    }

    private void flushOutput(ChannelHandlerContext ctx) {
        int n = protocol.getAvailableOutputBytes();
        if (n > 0) {
            byte[] out = new byte[n];
            protocol.readOutput(out, 0, n);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(out));
        }
    }

    private void handshakeFailed(ChannelHandlerContext ctx, IOException e) {
        if (failed) {
            return;
        }
        failed = true;
        String refused = alert != null ? "the server refused the handshake with alert " + alert
                : e.getMessage().startsWith("connection closed") ? "the server closed the connection during the handshake"
                : null;
        String reason = refused == null ? ZabbixExchangeHandler.describe(e) : refused + ": the PSK identity or key "
                + "is not the one the Zabbix host has (tls_psk_identity, tls_psk), or the host does not accept PSK";
        SSLHandshakeException failure = new SSLHandshakeException(reason);
        failure.initCause(e);
        ctx.fireUserEventTriggered(new SslHandshakeCompletionEvent(failure));
        failPending(failure);
        ctx.close();
    }

    /** Bouncy Castle's client side: the suites and versions above, the key as TLS 1.3 external PSK too. */
    private final class Client extends PSKTlsClient {
        Client(TlsCrypto crypto) {
            super(crypto, new BasicTlsPSKIdentity(identity, key));
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return versions.clone();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return TlsUtils.getSupportedCipherSuites(getCrypto(), new int[] {
                CipherSuite.TLS_AES_128_GCM_SHA256,
                CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256,
                CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256,
                CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256,
                CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA,
                CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA,
            });
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Vector getExternalPSKs() {
            if (!ProtocolVersion.TLSv13.isEqualOrEarlierVersionOf(versions[0])) {
                return null;
            }
            Vector psks = new Vector(1);
            psks.add(new BasicTlsPSKExternal(identity, getCrypto().createSecret(key),
                    PRFAlgorithm.tls13_hkdf_sha256));
            return psks;
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            handshakeDone = true;
        }

        @Override
        public void notifyAlertReceived(short alertLevel, short alertDescription) {
            if (alertLevel == AlertLevel.fatal) {
                alert = AlertDescription.getText(alertDescription);
            }
        }
    }
}
