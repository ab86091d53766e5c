package dev.concierge.courier.app.cli;

import dev.concierge.courier.app.config.ConfigException;
import dev.concierge.courier.app.wiring.CourierConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code courier check --config FILE}: validates a configuration without starting anything. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validates a configuration: prints what would run, or every problem with its line and column.")
public final class CheckCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the YAML configuration")
    Path config;

    // The heap the budgets are checked against: this JVM's, which need not be the eventual run's (its flags
    // may differ), so a budget over it is a warning, not a problem. Tests set another.
    long maxHeap = Runtime.getRuntime().maxMemory();

    @Override
    public Integer call() {
        try {
            CourierConfig loaded = CourierConfig.load(config);
            System.out.println("configuration OK: " + loaded.summary());
            loaded.heapWarning(maxHeap).ifPresent(warning -> System.err.println("courier: warning: " + warning));
            return 0;
        } catch (ConfigException e) {
            System.err.println("courier: configuration " + config + " has problems:");
            System.err.println(e.getMessage());
            return 2;
        }
    }
}
