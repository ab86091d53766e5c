package dev.concierge.courier.app.cli;

import dev.concierge.courier.app.config.ConfigException;
import dev.concierge.courier.app.config.YamlConfigParser;
import dev.concierge.courier.app.wiring.Courier;
import dev.concierge.courier.app.wiring.ConfigCheck;
import dev.concierge.courier.app.wiring.ContainerEnvironment;
import dev.concierge.courier.app.wiring.CourierConfig;
import java.io.UncheckedIOException;
import dev.concierge.courier.core.pipeline.FatalErrorHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code courier run --config courier.yaml}: the daemon. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs the courier with a configuration file until SIGTERM or Ctrl-C.")
public final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);
    /**
     * The exit status after a pipeline thread died (EX_SOFTWARE in sysexits.h): not 0, so that a supervisor
     * (systemd's {@code Restart=on-failure}, a container's restart policy) starts the courier again.
     */
    static final int EXIT_PIPELINE_FAILED = 70;
    // How long past the shutdown deadline a stop after a fatal error may take before the JVM is halted: a heap
    // that ran out once may not let the stop finish.
    private static final Duration HALT_MARGIN = Duration.ofSeconds(5);

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the YAML configuration")
    Path config;

    @Option(names = "--check", description = "validate the configuration, print what would run, and exit"
            + " (the same as `courier check`)")
    boolean check;

    // Whether this runs in a container, where a source's default host is the container's id. Tests set another.
    ContainerEnvironment container = ContainerEnvironment.detect();

    // The heap the ring and backlogs must fit in; tests set another.
    long maxHeap = Runtime.getRuntime().maxMemory();
    // The last heap warning logged (it names every budget), so that a reload warns again only when it changes
    // them; guarded by this (a reload comes from the signal loop or the admin endpoint).
    private String lastHeapWarning;

    @Override
    public Integer call() throws InterruptedException {
        if (check) {
            CheckCommand checkOnly = new CheckCommand();
            checkOnly.config = config;
            checkOnly.maxHeap = maxHeap;
            checkOnly.container = container;
            return checkOnly.call();
        }
        CourierConfig loaded;
        try {
            loaded = CourierConfig.load(config);
        } catch (ConfigException e) {
            System.err.println("courier: configuration " + config + " has problems:");
            System.err.println(e.getMessage());
            return 2;
        }
        warnIfOverHeap(loaded);
        ConfigCheck.containerHostWarning(new YamlConfigParser(), config, container).ifPresent(log::warn);
        ProcessSignals signals = ProcessSignals.install(true);
        Courier courier;
        try {
            courier = Courier.start(loaded);
        } catch (UncheckedIOException e) {
            System.err.println("courier: data_dir " + loaded.dataDir() + ": " + e.getMessage());
            return 1;
        } catch (IllegalStateException e) {
            // Another courier holds the data directory, or the admin endpoint cannot listen; each message says which.
            System.err.println("courier: cannot start: " + e.getMessage());
            return 1;
        }
        courier.configuredFrom(config);
        AtomicReference<String> fatal = new AtomicReference<>();
        FatalErrorHandler exit = (thread, error) -> {
            if (fatal.compareAndSet(null, thread + ": " + error)) {
                haltAfter(loaded.shutdownDeadline().plus(HALT_MARGIN));
                log.error("{} died of {}; the courier stops and exits with status {} so that its supervisor starts it "
                        + "again: what was accepted is kept in data_dir and delivered after the restart", thread, error,
                        EXIT_PIPELINE_FAILED, error);
                signals.pipelineFailed();
            }
        };
        courier.pipeline().onFatalError(exit);
        String diedBeforeStart = courier.pipeline().fatalError();
        if (diedBeforeStart != null) {
            exit.onFatalError("a pipeline thread", new IllegalStateException(diedBeforeStart));
        }
        // Any other thread (an HTTP client's, say) that dies of the heap running out ends the courier the same way.
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            if (error instanceof VirtualMachineError) {
                exit.onFatalError("thread " + thread.getName(), error);
            } else {
                log.error("thread {} ended on an uncaught error", thread.getName(), error);
            }
        });
        courier.reloadOnRequest(() -> reload(courier, CourierConfig.load(config)).toString());
        if (signals.hangupIgnored()) {
            log.warn("SIGHUP was ignored when the courier started (nohup, or a parent that ignores it): reload by "
                    + "signal is unavailable; reload with {}, or restart", loaded.admin() != null
                    && loaded.admin().token() != null
                    ? "POST /reload on the admin endpoint" : "POST /reload after giving the admin endpoint a token");
        }
        try (courier) {
            String signal;
            while (!ProcessSignals.isStop(signal = signals.next(null))) {
                reload(courier);
            }
            if (fatal.get() == null) {
                log.info("{} received, stopping", signal);
            }
        }
        return fatal.get() == null ? 0 : EXIT_PIPELINE_FAILED;
    }

    /** Halts the JVM with {@link #EXIT_PIPELINE_FAILED} after {@code delay}, unless it has exited by then. */
    private static void haltAfter(Duration delay) {
        Thread halter = new Thread(() -> {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(EXIT_PIPELINE_FAILED);
        }, "courier-halt-after-failure");
        halter.setDaemon(true);
        halter.start();
    }

    /** Re-reads the configuration; a configuration with problems is refused and the running one kept. */
    private void reload(Courier courier) {
        log.info("SIGHUP received, reloading {}", config);
        try {
            log.info("reloaded: {}", reload(courier, CourierConfig.load(config)));
        } catch (ConfigException e) {
            log.error("configuration {} has problems; still running the previous one:\n{}", config, e.getMessage());
        } catch (RuntimeException e) {
            log.error("reloading {} failed; still running what could be kept", config, e);
        }
    }

    /**
     * Applies {@code next}; a ring or ledger window changed by it applies at the next start only, so the
     * running ones count.
     */
    private Courier.Reload reload(Courier courier, CourierConfig next) {
        Courier.Reload reload = courier.reload(next);
        warnIfOverHeap(courier.config());
        return reload;
    }

    /** Logs a WARN when the budgets exceed the heap, at start and after a reload that changed them. */
    private synchronized void warnIfOverHeap(CourierConfig running) {
        String warning = running.heapWarning(maxHeap).orElse(null);
        if (warning != null && !warning.equals(lastHeapWarning)) {
            log.warn(warning);
        }
        lastHeapWarning = warning;
    }
}
