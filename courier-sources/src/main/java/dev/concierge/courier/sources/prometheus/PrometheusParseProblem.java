package dev.concierge.courier.sources.prometheus;

/**
 * One line the parser could not use, or one thing wrong with the exposition as a whole.
 *
 * @param line   the 1-based line number; for a problem of the whole exposition, the last line read
 * @param column the 1-based column (byte offset within the line plus one) where it went wrong; 0 when it
 *               concerns the whole line
 * @param reason what was found and what was expected
 */
public record PrometheusParseProblem(int line, int column, String reason) {

    @Override
    public String toString() {
        return column > 0 ? "line " + line + ", column " + column + ": " + reason : "line " + line + ": " + reason;
    }
}
