package dev.concierge.courier.app;

import dev.concierge.courier.app.cli.CheckCommand;
import dev.concierge.courier.app.cli.ConfigCommand;
import dev.concierge.courier.app.cli.DemoCommand;
import dev.concierge.courier.app.cli.DiscoverCommand;
import dev.concierge.courier.app.cli.LedgerCommand;
import dev.concierge.courier.app.cli.RunCommand;
import dev.concierge.courier.app.cli.SendCommand;
import dev.concierge.courier.app.cli.TestCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code courier} command line. */
@Command(name = "courier", mixinStandardHelpOptions = true, version = "Concierge Courier 0.1.0",
        description = "Delivers application metrics to monitoring systems, every value at once, with a ledger.",
        subcommands = {RunCommand.class, CheckCommand.class, ConfigCommand.class, DemoCommand.class,
                DiscoverCommand.class, LedgerCommand.class, SendCommand.class, TestCommand.class})
public final class CourierMain implements Runnable {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code, for tests and for {@link #main}. */
    public static int execute(String... args) {
        // A plain `courier send` line skips picocli's start-up cost (SendCommand.runPlain).
        Integer sent = SendCommand.runPlain(args);
        if (sent != null) {
            return sent;
        }
        return new CommandLine(new CourierMain()).execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
