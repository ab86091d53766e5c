package dev.concierge.courier.core.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * A logger that keeps every line it is given, formatted, at INFO and above (DEBUG and TRACE are off, as in
 * production), for tests of what a log policy says and how often. Thread-safe.
 */
public final class RecordingLogger extends AbstractLogger {
    private static final long serialVersionUID = 1L;

    /** One line: its level and its formatted message. */
    public record Line(Level level, String message) {
    }

    private final transient List<Line> lines = new CopyOnWriteArrayList<>();

    public RecordingLogger(String name) {
        this.name = name;
    }

    /** Every line so far, in order. */
    public List<Line> lines() {
        return List.copyOf(lines);
    }

    /** The messages of the lines at {@code level}. */
    public List<String> messages(Level level) {
        return lines.stream().filter(line -> line.level() == level).map(Line::message).toList();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                               Throwable throwable) {
        lines.add(new Line(level, MessageFormatter.basicArrayFormat(pattern, arguments)));
    }

    @Override
    public boolean isTraceEnabled() {
        return false;
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
        return false;
    }

    @Override
    public boolean isDebugEnabled() {
        return false;
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
        return false;
    }

    @Override
    public boolean isInfoEnabled() {
        return true;
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
        return true;
    }

    @Override
    public boolean isWarnEnabled() {
        return true;
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
        return true;
    }

    @Override
    public boolean isErrorEnabled() {
        return true;
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
        return true;
    }
}
