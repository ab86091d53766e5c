package dev.concierge.courier.sources.prometheus;

import java.util.Locale;

/**
 * The two text expositions the parser reads (PROTOCOLS.md section 4). The format is taken from the
 * response's {@code Content-Type}, never from what was asked for: some exporters ignore {@code Accept}.
 */
public enum PrometheusFormat {
    /** {@code text/plain; version=0.0.4}: timestamps in integer milliseconds, no {@code # EOF}. */
    TEXT_0_0_4,
    /** {@code application/openmetrics-text; version=1.0.0}: timestamps in float seconds, ends with {@code # EOF}. */
    OPENMETRICS_1_0;

    /** What the source asks for: Prometheus 3's {@code Accept} header, {@link PrometheusNegotiation#ACCEPT}. */
    public static final String ACCEPT = PrometheusNegotiation.ACCEPT;

    /**
     * The format of a response with this {@code Content-Type}; no header, or any other type, means 0.0.4. Lenient,
     * for readers that have no fallback setting; a scrape uses {@link PrometheusNegotiation#formatOf} instead.
     */
    public static PrometheusFormat ofContentType(String contentType) {
        if (contentType != null
                && contentType.strip().toLowerCase(Locale.ROOT).startsWith("application/openmetrics-text")) {
            return OPENMETRICS_1_0;
        }
        return TEXT_0_0_4;
    }
}
