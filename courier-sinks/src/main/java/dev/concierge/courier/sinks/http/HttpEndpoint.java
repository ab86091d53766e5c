package dev.concierge.courier.sinks.http;

import java.net.URI;
import java.util.Set;

/** How an endpoint URL appears in log lines and summaries: query values masked unless known harmless. */
final class HttpEndpoint {
    /** InfluxDB's own query parameters that carry no secret; {@code u} and {@code p} do. */
    private static final Set<String> SHOWN = Set.of("db", "rp", "precision", "consistency", "org", "bucket");

    private HttpEndpoint() {
    }

    /** {@code https://host:port/path?db=courier&precision=s&p=******}. */
    static String redacted(URI url) {
        StringBuilder text = new StringBuilder().append(url.getScheme()).append("://").append(url.getHost());
        if (url.getPort() >= 0) {
            text.append(':').append(url.getPort());
        }
        text.append(url.getRawPath() == null ? "" : url.getRawPath());
        String query = url.getRawQuery();
        if (query != null) {
            text.append('?');
            String[] params = query.split("&", -1);
            for (int i = 0; i < params.length; i++) {
                if (i > 0) {
                    text.append('&');
                }
                int eq = params[i].indexOf('=');
                String name = eq < 0 ? params[i] : params[i].substring(0, eq);
                text.append(eq < 0 || SHOWN.contains(name) ? params[i] : name + "=******");
            }
        }
        return text.toString();
    }
}
