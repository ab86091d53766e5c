package dev.concierge.courier.app.cli;

import dev.concierge.courier.app.CourierMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.ToIntFunction;
import picocli.CommandLine;

/** Runs the command line in this JVM and captures what it prints. */
record CommandOutput(int exitCode, String out, String err) {

    static CommandOutput run(String... args) {
        return capture(CourierMain::execute, args);
    }

    /** Runs one command object, such as a {@code DiscoverCommand} given its own environment. */
    static CommandOutput runCommand(Object command, String... args) {
        return capture(a -> new CommandLine(command).execute(a), args);
    }

    private static synchronized CommandOutput capture(ToIntFunction<String[]> execute, String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = execute.applyAsInt(args);
            return new CommandOutput(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }
}
