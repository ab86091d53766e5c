package dev.concierge.courier.sources.prometheus;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Content negotiation as Prometheus 3 scrapes: what the source asks for, how the answer's {@code Content-Type}
 * picks the parser's format, and the names {@code fallback_protocol} accepts. Stateless.
 *
 * <p>The format comes from the answer only, never from the body: an exporter may ignore {@code Accept}, and a
 * body that happens to end in {@code # EOF} is no proof of OpenMetrics. A missing Content-Type, or one that is
 * not a Prometheus exposition, is refused unless the source names a fallback, as Prometheus 3 refuses it
 * ({@code fallback_scrape_protocol}).
 */
public final class PrometheusNegotiation {

    /**
     * Prometheus 3's {@code Accept} header, byte for byte: {@code scrape/scrape.go acceptHeader} over
     * {@code config.DefaultScrapeProtocols} (OpenMetrics 1.0.0, OpenMetrics 0.0.1, text 1.0.0, text 0.0.4) with
     * the {@code allow-utf-8} escaping scheme on the two formats that carry it, weights counting down from
     * {@code 0.6} ({@code len(ScrapeProtocolsHeaders) + 1}, protobuf included though not offered), then
     * anything.
     */
    public static final String ACCEPT = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
            + "application/openmetrics-text;version=0.0.1;q=0.5,"
            + "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,"
            + "text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

    /**
     * What {@code fallback_protocol} accepts: the media types as Prometheus's {@code ScrapeProtocolsHeaders}
     * writes them, and Prometheus's protocol names ({@code fallback_scrape_protocol}). Text 1.0.0 differs from
     * 0.0.4 only in quoted UTF-8 names, which the parser reads in both; OpenMetrics 0.0.1 and 1.0.0 alike.
     */
    private static final Map<String, PrometheusFormat> FALLBACKS = Map.of(
            "text/plain;version=0.0.4", PrometheusFormat.TEXT_0_0_4,
            "text/plain;version=1.0.0", PrometheusFormat.TEXT_0_0_4,
            "application/openmetrics-text;version=0.0.1", PrometheusFormat.OPENMETRICS_1_0,
            "application/openmetrics-text;version=1.0.0", PrometheusFormat.OPENMETRICS_1_0,
            "PrometheusText0.0.4", PrometheusFormat.TEXT_0_0_4,
            "PrometheusText1.0.0", PrometheusFormat.TEXT_0_0_4,
            "OpenMetricsText0.0.1", PrometheusFormat.OPENMETRICS_1_0,
            "OpenMetricsText1.0.0", PrometheusFormat.OPENMETRICS_1_0);

    /** The values {@code fallback_protocol} accepts, in the order the README lists them. */
    public static final List<String> FALLBACK_NAMES = List.of("text/plain;version=0.0.4", "text/plain;version=1.0.0",
            "application/openmetrics-text;version=0.0.1", "application/openmetrics-text;version=1.0.0",
            "PrometheusText0.0.4", "PrometheusText1.0.0", "OpenMetricsText0.0.1", "OpenMetricsText1.0.0");

    private PrometheusNegotiation() {
    }

    /**
     * The format a {@code Content-Type} names: {@code application/openmetrics-text} is OpenMetrics and
     * {@code text/plain} the text format, whatever their version (as Prometheus's {@code textparse.New} reads
     * them); empty for null, blank and any other type.
     */
    public static Optional<PrometheusFormat> formatOf(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        int semicolon = contentType.indexOf(';');
        String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip()
                .toLowerCase(Locale.ROOT);
        return switch (mediaType) {
            case "application/openmetrics-text" -> Optional.of(PrometheusFormat.OPENMETRICS_1_0);
            case "text/plain" -> Optional.of(PrometheusFormat.TEXT_0_0_4);
            default -> Optional.empty();
        };
    }

    /** The format a {@code fallback_protocol} value names; one of {@link #FALLBACK_NAMES}. */
    public static PrometheusFormat fallbackOf(String name) {
        PrometheusFormat format = FALLBACKS.get(name);
        if (format == null) {
            throw new IllegalArgumentException("fallback_protocol: " + name + " (expected: one of "
                    + String.join(", ", FALLBACK_NAMES) + ")");
        }
        return format;
    }
}
