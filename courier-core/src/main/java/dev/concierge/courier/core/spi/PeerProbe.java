package dev.concierge.courier.core.spi;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One attempt to reach the peer of a source or sink, made by {@code courier check --connect}: a TCP connection
 * that sends nothing, or one collect of a source. A probe never sends a sample to a destination.
 *
 * <p>Called on the checking thread, once; {@link #attempt} blocks up to about its timeout (a collect up to the
 * source's own) and reports a failure as a value, never as an exception.
 */
public interface PeerProbe {

    /** What the probe reaches, as the report names it: {@code tcp://host:port}, a URL without credentials, a file. */
    String target();

    /** Reaches the peer once. */
    Outcome attempt(Duration timeout);

    /**
     * What one attempt found.
     *
     * @param reached whether the peer answered
     * @param detail  one line for the report: what was reached ("connected", "12 samples") or why not
     */
    record Outcome(boolean reached, String detail) {
        public Outcome {
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** Opens one TCP connection to {@code host:port} and closes it at once. */
    static PeerProbe tcp(String host, int port) {
        Objects.requireNonNull(host, "host");
        return new PeerProbe() {
            @Override
            public String target() {
                return "tcp://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
            }

            @Override
            public Outcome attempt(Duration timeout) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
                    return new Outcome(true, "connected");
                } catch (IOException | IllegalArgumentException e) {
                    return new Outcome(false, reason(e));
                }
            }
        };
    }

    /**
     * Creates a source, collects it once, counting what it offers, and closes it: the fetch {@code courier run}
     * makes at every interval, bounded by the source's own timeouts.
     */
    static PeerProbe collectOnce(String target, Supplier<? extends Source> source) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(source, "source");
        return new PeerProbe() {
            @Override
            public String target() {
                return target;
            }

            @Override
            public Outcome attempt(Duration timeout) {
                long[] samples = {0};
                SecretMask secrets = SecretMask.none();
                try (Source created = source.get()) {
                    secrets = created.secrets();
                    created.collect(sample -> {
                        samples[0]++;
                        return true;
                    });
                    return new Outcome(true, samples[0] + " sample(s)");
                } catch (SourceException | RuntimeException e) {
                    // A peer may echo a token back in its error; the pipeline hides them the same way.
                    return new Outcome(false, secrets.apply(reason(e)));
                }
            }
        };
    }

    /** An exception's message, or its kind when it has none; for a report line. */
    private static String reason(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
