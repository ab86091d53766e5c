package dev.concierge.courier.core.spi;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A {@link ProbesDestination#probe()} for destinations reached over TCP: one connection opened and closed again,
 * nothing sent, so a receiver sees at most one empty connection per probe interval. The JDK's blocking connect
 * runs on a daemon thread of a pool shared by every sink (at most one probe per sink at a time), never on the sink's thread; the
 * name is resolved anew each time, so a destination that moved is found.
 */
public final class ConnectProbe {
    private static final ExecutorService CONNECTS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "courier-connect-probe");
        thread.setDaemon(true);
        return thread;
    });

    private ConnectProbe() {
    }

    /**
     * Whether {@code host:port} accepts a TCP connection within {@code timeout}: true when it did, false when
     * it refused, timed out or did not resolve.
     */
    public static CompletionStage<Boolean> connect(String host, int port, Duration timeout) {
        Objects.requireNonNull(host, "host");
        int timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        return CompletableFuture.supplyAsync(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), timeoutMillis);
                return true;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }, CONNECTS);
    }
}
