package dev.concierge.courier.core.spi;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A {@link ProbesDestination#probe()} for destinations reached over TCP: one connection opened and closed again,
 * nothing sent ({@link PeerProbe#tcp}, as {@code courier check --connect} makes it), so a receiver sees at most
 * one empty connection per probe interval. The blocking connect runs on a daemon thread of a pool shared by every
 * sink (at most one probe per sink at a time), never on the sink's thread; the name is resolved anew each time,
 * so a destination that moved is found.
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
        PeerProbe connect = PeerProbe.tcp(host, port);
        return CompletableFuture.supplyAsync(() -> connect.attempt(timeout).reached(), CONNECTS);
    }
}
