package dev.concierge.courier.sources.dropwizard;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import dev.concierge.courier.core.spi.SourceException;
import java.io.IOException;

/**
 * Walks the shape shared by every metrics-json document, {@code {"<section>": {"<metric name>": {...}}}},
 * and hands each metric object of a known section to a visitor. Unknown top-level keys ({@code version},
 * anything newer) are skipped whole. The walk is the only place that decides whether a document is
 * well-formed, so the full parse and the names-only parse accept and refuse exactly the same documents.
 */
final class DropwizardJsonReader {
    /** Field names are canonicalized (metric names repeat every scrape) but not interned into the JVM's pool. */
    static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();

    /** Receives one metric object of a known section. */
    interface MetricVisitor {
        /**
         * Called with the parser on the metric's {@code START_OBJECT}; must leave it on the matching
         * {@code END_OBJECT}.
         */
        void metric(DropwizardKind kind, String name, JsonParser parser) throws IOException;
    }

    private DropwizardJsonReader() {
    }

    /**
     * Walks the whole document, closing the parser at the end.
     *
     * @param origin where the document came from, the first part of every error message
     * @throws SourceException for a document that is not JSON, is truncated, is not shaped like metrics-json,
     *                         or has content after its end; the message names the line and column
     */
    static void walk(JsonParser parser, String origin, MetricVisitor visitor) throws SourceException {
        try (parser) {
            JsonToken root = parser.nextToken();
            if (root != JsonToken.START_OBJECT) {
                throw new ShapeException(parser, root == null ? "empty document (expected: a JSON object)"
                        : describe(root) + " (expected: a JSON object)");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                DropwizardKind kind = DropwizardKind.ofSection(parser.currentName());
                JsonToken section = parser.nextToken();
                if (kind == null || section == JsonToken.VALUE_NULL) {
                    parser.skipChildren();
                } else if (section != JsonToken.START_OBJECT) {
                    throw new ShapeException(parser, "\"" + kind.sectionName() + "\" is " + describe(section)
                            + " (expected: an object of metrics)");
                } else {
                    walkSection(parser, kind, visitor);
                }
            }
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw new ShapeException(parser, describe(trailing) + " after the end of the document (expected: nothing)");
            }
        } catch (ShapeException e) {
            throw malformed(origin, e.location, e.getMessage(), e);
        } catch (JsonEOFException e) {
            throw malformed(origin, e.getLocation(), "unexpected end of input (truncated document?)", e);
        } catch (JsonProcessingException e) {
            throw malformed(origin, e.getLocation(), e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new SourceException(origin + ": " + e.getMessage(), e);
        }
    }

    private static void walkSection(JsonParser parser, DropwizardKind kind, MetricVisitor visitor) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken metric = parser.nextToken();
            if (metric != JsonToken.START_OBJECT) {
                throw new ShapeException(parser, kind.typeName() + " \"" + name + "\" is " + describe(metric)
                        + " (expected: an object)");
            }
            visitor.metric(kind, name, parser);
        }
    }

    private static SourceException malformed(String origin, JsonLocation location, String what, Exception cause) {
        // Jackson reports column 0 before the first token (an empty document); there the document starts at 1.
        String where = location == null ? ""
                : " at line " + location.getLineNr() + ", column " + Math.max(1, location.getColumnNr());
        return new SourceException(origin + ": malformed Dropwizard JSON" + where + ": " + what, cause);
    }

    /** The token as an error message names it: "a string", "an array". */
    static String describe(JsonToken token) {
        if (token == null) {
            return "the end of input";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name() : "'" + token.asString() + "'";
        };
    }

    /** Well-formed JSON that is not shaped like metrics-json; carries where the offending token starts. */
    private static final class ShapeException extends IOException {
        final JsonLocation location;

        ShapeException(JsonParser parser, String message) {
            super(message);
            this.location = parser.currentTokenLocation();
        }
    }
}
