package dev.concierge.courier.sources.fetch;

import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The JVM's default TLS context ({@link SSLContext#getDefault()}), looked up when a TLS connection is first
 * made rather than when an HTTP client is built. The JDK's {@code HttpClient} asks for its context at
 * construction, and the default one loads the JSSE provider and the CA store (some 480 classes and about
 * 4 MiB of a small courier's resident memory) even for a client that only ever speaks plain {@code http}.
 * For {@code https} nothing changes: the same default context, trust store and parameters are used.
 */
final class DefaultTlsOnFirstUse extends SSLContext {
    /**
     * Parameters for {@code HttpClient.Builder.sslParameters}: without them the client would read the
     * context's defaults at construction. Null protocols and cipher suites leave an engine's own defaults
     * in place, which are the default context's.
     */
    static SSLParameters parameters() {
        return new SSLParameters();
    }

    DefaultTlsOnFirstUse() {
        super(new Spi(), null, "Default");
    }

    private static final class Spi extends SSLContextSpi {
        private static SSLContext delegate() {
            try {
                return SSLContext.getDefault();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("no default TLS context: " + e.getMessage(), e);
            }
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random)
                throws KeyManagementException {
            throw new KeyManagementException("the default TLS context is initialised by the JVM");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return delegate().getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return delegate().getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return delegate().createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return delegate().createSSLEngine(host, port);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return delegate().getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return delegate().getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return delegate().getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return delegate().getSupportedSSLParameters();
        }
    }
}
