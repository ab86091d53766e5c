package dev.concierge.courier.app.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code courier config}: commands about the configuration itself; today {@code sample}. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Commands about the configuration file.",
        subcommands = {ConfigSampleCommand.class})
public final class ConfigCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
