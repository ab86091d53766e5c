package dev.concierge.courier.core.spi;

import java.net.URI;
import java.util.Set;

/**
 * How a configured URL appears in log lines, summaries and error messages: scheme, host, port and path as they
 * are, user info left out, and every query value masked as {@value Secret#MASK} unless its name is known to
 * carry none ({@code ?token=}, {@code ?p=} and {@code ?api_key=} are how tokens travel in URLs). One rule for
 * every plugin that is configured with a URL, sinks and sources alike.
 */
public final class RedactedUrl {
    /** Query parameters that carry no secret (InfluxDB's own among them; its {@code u} and {@code p} do). */
    private static final Set<String> SHOWN = Set.of("db", "rp", "precision", "consistency", "org", "bucket");

    private RedactedUrl() {
    }

    /** {@code https://host:port/path?db=courier&precision=s&p=******}. */
    public static String of(URI url) {
        if (url.getScheme() == null || url.getHost() == null) {
            // Not a hierarchical network URL; nothing here is known to be harmless.
            return url.getRawQuery() == null && url.getRawUserInfo() == null ? url.toString() : Secret.MASK;
        }
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
                text.append(eq < 0 || SHOWN.contains(name) ? params[i] : name + "=" + Secret.MASK);
            }
        }
        return text.toString();
    }
}
