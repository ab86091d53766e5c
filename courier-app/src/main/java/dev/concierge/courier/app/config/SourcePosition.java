package dev.concierge.courier.app.config;

import java.util.Comparator;
import java.util.Objects;

/**
 * Where something was written: a source name (usually the file path) and a 1-based line and column.
 * Line and column are both 0 when the position inside the source is not known, for example when the
 * file could not be read at all.
 */
public record SourcePosition(String source, int line, int column) {

    /** Source name, then line, then column; unknown positions come first within their source. */
    public static final Comparator<SourcePosition> ORDER = Comparator.comparing(SourcePosition::source)
            .thenComparingInt(SourcePosition::line)
            .thenComparingInt(SourcePosition::column);

    public SourcePosition {
        Objects.requireNonNull(source, "source");
        if (line < 0 || column < 0 || (line == 0) != (column == 0)) {
            throw new IllegalArgumentException("line, column: " + line + ", " + column
                    + " (expected: both 1-based, or both 0 when unknown)");
        }
    }

    public static SourcePosition of(String source, int line, int column) {
        return new SourcePosition(source, line, column);
    }

    /** A position that names only the source. */
    public static SourcePosition unknown(String source) {
        return new SourcePosition(source, 0, 0);
    }

    public boolean isKnown() {
        return line > 0;
    }

    /** {@code file:line:column}, the form editors and terminals turn into links; just {@code file} if unknown. */
    @Override
    public String toString() {
        return isKnown() ? source + ":" + line + ":" + column : source;
    }
}
