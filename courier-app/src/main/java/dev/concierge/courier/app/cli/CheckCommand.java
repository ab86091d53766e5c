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

    @Override
    public Integer call() {
        try {
            System.out.println("configuration OK: " + CourierConfig.load(config).summary());
            return 0;
        } catch (ConfigException e) {
            System.err.println("courier: configuration " + config + " has problems:");
            System.err.println(e.getMessage());
            return 2;
        }
    }
}
