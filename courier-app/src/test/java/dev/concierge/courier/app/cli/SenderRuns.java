package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the real {@code zabbix_sender} and {@code courier send} the same way and reads what they print. */
final class SenderRuns {
    static final Path ZABBIX_SENDER = Path.of("/usr/bin/zabbix_sender");
    private static final Pattern RESPONSE = Pattern.compile(
            "^Response from \"([^\"]+)\": \"processed: (\\d+); failed: (\\d+); total: (\\d+);", Pattern.MULTILINE);
    private static final Pattern LOG_PREFIX = Pattern.compile("^(zabbix_sender|courier send) \\[\\d+\\]: ",
            Pattern.MULTILINE);

    private SenderRuns() {
    }

    /**
     * What one run printed on stdout and how it ended.
     *
     * @param processed the sum of {@code processed} over its response lines
     * @param failed    the sum of {@code failed} over its response lines
     * @param servers   the {@code host:port} of every response line
     */
    record Run(int exitCode, String out, long processed, long failed, List<String> servers) {
        /** The last line: {@code sent: ...} or {@code Sending failed...}. */
        String summary() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }

        /** Lines other than response lines and the summary, with the program name and pid taken out. */
        List<String> logLines() {
            List<String> logs = new ArrayList<>();
            for (String line : out.strip().split("\n")) {
                if (LOG_PREFIX.matcher(line).find()) {
                    logs.add(LOG_PREFIX.matcher(line).replaceFirst(""));
                }
            }
            return logs;
        }

        static Run of(int exitCode, String out) {
            Matcher m = RESPONSE.matcher(out);
            long processed = 0;
            long failed = 0;
            List<String> servers = new ArrayList<>();
            while (m.find()) {
                servers.add(m.group(1));
                processed += Long.parseLong(m.group(2));
                failed += Long.parseLong(m.group(3));
            }
            return new Run(exitCode, out, processed, failed, servers);
        }
    }

    static Run zabbixSender(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ZABBIX_SENDER.toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("zabbix_sender finished").isTrue();
        return Run.of(p.exitValue(), out);
    }

    static Run courierSend(String... args) {
        String[] full = new String[args.length + 1];
        full[0] = "send";
        System.arraycopy(args, 0, full, 1, args.length);
        CommandOutput output = CommandOutput.run(full);
        return Run.of(output.exitCode(), output.out());
    }

    static boolean zabbixSenderInstalled() {
        return Files.isExecutable(ZABBIX_SENDER);
    }
}
