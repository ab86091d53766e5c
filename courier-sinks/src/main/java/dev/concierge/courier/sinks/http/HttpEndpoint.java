package dev.concierge.courier.sinks.http;

import dev.concierge.courier.core.spi.RedactedUrl;
import java.net.URI;

/** How an endpoint URL appears in log lines and summaries: the one rule of {@link RedactedUrl}. */
final class HttpEndpoint {
    private HttpEndpoint() {
    }

    /** {@code https://host:port/path?db=courier&precision=s&p=******}. */
    static String redacted(URI url) {
        return RedactedUrl.of(url);
    }
}
