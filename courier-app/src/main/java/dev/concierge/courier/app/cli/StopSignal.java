package dev.concierge.courier.app.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * Waits for SIGTERM or SIGINT (Ctrl-C). Handling the signals ourselves, instead of through shutdown
 * hooks, lets the courier stop in its written order on the main thread and then exit 0, which is what
 * container runtimes and process supervisors expect from a clean stop.
 */
final class StopSignal {
    private final CountDownLatch received = new CountDownLatch(1);
    private volatile String name;

    static StopSignal install() {
        StopSignal stop = new StopSignal();
        for (String signal : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(signal), s -> {
                stop.name = "SIG" + s.getName();
                stop.received.countDown();
            });
        }
        return stop;
    }

    /** Waits for a signal, or at most {@code limit} when it is not null. */
    void await(Duration limit) throws InterruptedException {
        if (limit == null) {
            received.await();
        } else if (!received.await(limit.toNanos(), TimeUnit.NANOSECONDS)) {
            name = "the end of --duration";
        }
    }

    String name() {
        return name;
    }
}
