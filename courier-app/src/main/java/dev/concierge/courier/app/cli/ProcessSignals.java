package dev.concierge.courier.app.cli;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The signals a running courier answers: SIGTERM and SIGINT (Ctrl-C) stop it, SIGHUP reloads its
 * configuration. Handling them ourselves, instead of through shutdown hooks, lets the courier stop in its
 * written order on the main thread and then exit 0, which is what container runtimes and process
 * supervisors expect from a clean stop.
 */
final class ProcessSignals {
    static final String TERM = "SIGTERM";
    static final String INT = "SIGINT";
    static final String HUP = "SIGHUP";
    /** Not a signal: a pipeline thread died ({@link #pipelineFailed()}), and the courier stops as on SIGTERM. */
    static final String PIPELINE_FAILED = "a pipeline failure";

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private boolean hangupIgnored;

    /** Installs handlers for {@code TERM} and {@code INT}, and for {@code HUP} when {@code reload} is true. */
    static ProcessSignals install(boolean reload) {
        ProcessSignals signals = new ProcessSignals();
        for (String name : reload ? new String[] {"TERM", "INT", "HUP"} : new String[] {"TERM", "INT"}) {
            SignalHandler previous = Signal.handle(new Signal(name), s -> signals.received.add("SIG" + s.getName()));
            // The JVM installs no handler for a signal ignored when it started (nohup, or a parent that ignores
            // it) and answers SIG_IGN; the signal stays ignored and cannot be taken back from Java.
            if (name.equals("HUP") && previous == SignalHandler.SIG_IGN) {
                signals.hangupIgnored = true;
            }
        }
        return signals;
    }

    /**
     * Whether SIGHUP was ignored when this process started, so that {@code kill -HUP} never reaches it.
     * Always false when {@link #install} was not asked for reload.
     */
    boolean hangupIgnored() {
        return hangupIgnored;
    }

    /**
     * Waits for the next signal.
     *
     * @param limit how long to wait, or null for as long as it takes
     * @return the signal's name, such as {@value #TERM}, or null when {@code limit} passed first
     */
    String next(Duration limit) throws InterruptedException {
        return limit == null ? received.take() : received.poll(limit.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Makes {@link #next} answer {@value #PIPELINE_FAILED}, from any thread. */
    void pipelineFailed() {
        received.add(PIPELINE_FAILED);
    }

    static boolean isStop(String signal) {
        return signal == null || TERM.equals(signal) || INT.equals(signal) || PIPELINE_FAILED.equals(signal);
    }
}
