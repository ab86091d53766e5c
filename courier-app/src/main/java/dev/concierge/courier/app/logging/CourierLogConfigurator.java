package dev.concierge.courier.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Locale;
import java.util.Map;

/**
 * Sets up logging without a configuration file: human-readable lines on stderr by default, JSON lines
 * with {@code COURIER_LOG_FORMAT=json} (for log shippers), at the level in {@code COURIER_LOG_LEVEL}
 * ({@code info} by default; {@code debug} logs every batch, {@code trace} every sample). Found by logback
 * through {@code ServiceLoader}; a {@code logback.xml} on the classpath or {@code -Dlogback.configurationFile}
 * still wins, for operators who want their own.
 */
public final class CourierLogConfigurator extends ContextAwareBase implements Configurator {
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{0} - %msg%n";

    private final Map<String, String> environment;

    public CourierLogConfigurator() {
        this(System.getenv());
    }

    CourierLogConfigurator(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        boolean json = "json".equals(environment.getOrDefault("COURIER_LOG_FORMAT", "text").toLowerCase(Locale.ROOT));
        Encoder<ILoggingEvent> encoder;
        if (json) {
            JsonEncoder jsonEncoder = new JsonEncoder();
            jsonEncoder.setWithSequenceNumber(false);
            jsonEncoder.setWithContext(false);
            jsonEncoder.setWithFormattedMessage(true);
            jsonEncoder.setWithMessage(false);
            jsonEncoder.setWithArguments(false);
            jsonEncoder.setWithNanoseconds(false);
            encoder = jsonEncoder;
        } else {
            PatternLayoutEncoder patternEncoder = new PatternLayoutEncoder();
            patternEncoder.setPattern(TEXT_PATTERN);
            encoder = patternEncoder;
        }
        encoder.setContext(context);
        encoder.start();

        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("console");
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.start();

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(environment.getOrDefault("COURIER_LOG_LEVEL", "info"), Level.INFO));
        root.addAppender(console);
        // Netty logs its own start-up details at debug; keep them out unless asked for.
        context.getLogger("io.netty").setLevel(Level.INFO);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
