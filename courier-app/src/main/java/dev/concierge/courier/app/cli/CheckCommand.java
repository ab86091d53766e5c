package dev.concierge.courier.app.cli;

import dev.concierge.courier.app.config.ConfigException;
import dev.concierge.courier.app.config.YamlConfigParser;
import dev.concierge.courier.app.wiring.ConfigCheck;
import dev.concierge.courier.app.wiring.ContainerEnvironment;
import dev.concierge.courier.app.wiring.CourierConfig;
import dev.concierge.courier.app.wiring.PluginCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code courier check --config FILE [--connect]}: validates a configuration without starting anything. Beyond
 * binding it checks what this machine can tell without sending ({@link ConfigCheck#run}); {@code --connect} also
 * reaches each source and destination once ({@link ConfigCheck#connect}). Exit code 0, 2 for a configuration
 * with problems, 1 when a peer could not be reached.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validates a configuration: prints what would run, or every problem with its line and column.")
public final class CheckCommand implements Callable<Integer> {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the YAML configuration")
    Path config;

    @Option(names = "--connect", description = "also reach each source (one collect) and each destination "
            + "(one TCP connection, nothing sent) once; exit code 1 when any cannot be reached")
    boolean connect;

    // The heap the budgets are checked against: this JVM's, which need not be the eventual run's (its flags
    // may differ), so a budget over it is a warning, not a problem. Tests set another.
    long maxHeap = Runtime.getRuntime().maxMemory();

    // Whether this runs in a container, where a source's default host is the container's id. Tests set another.
    ContainerEnvironment container = ContainerEnvironment.detect();

    @Override
    public Integer call() {
        ConfigCheck.Result checked;
        try {
            checked = ConfigCheck.run(new YamlConfigParser(), config, PluginCatalog.load(), container);
        } catch (ConfigException e) {
            System.err.println("courier: configuration " + config + " has problems:");
            System.err.println(e.getMessage());
            return 2;
        }
        CourierConfig loaded = checked.config();
        System.out.println("configuration OK: " + loaded.summary());
        loaded.heapWarning(maxHeap).ifPresent(warning -> System.err.println("courier: warning: " + warning));
        checked.warnings().forEach(warning -> System.err.println("courier: warning: " + warning));
        if (!connect) {
            return 0;
        }
        return ConfigCheck.connect(loaded, CONNECT_TIMEOUT, System.out::println) ? 0 : 1;
    }
}
