package dev.concierge.courier.sinks.http;

import dev.concierge.courier.core.spi.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * How the sink authenticates: the value of the {@code Authorization} header it sends with every request.
 * Both kinds hold their credentials as {@link Secret}, so their {@code toString()} never shows them.
 */
public sealed interface HttpAuth permits HttpAuth.Basic, HttpAuth.Bearer {

    /** The {@code Authorization} header value. Reveals the secret: only the request builder calls it. */
    String authorizationHeader();

    /** RFC 7617 Basic: {@code Basic base64(user ":" password)}, UTF-8. */
    record Basic(String user, Secret password) implements HttpAuth {
        public Basic {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String authorizationHeader() {
            byte[] pair = (user + ':' + password.reveal()).getBytes(StandardCharsets.UTF_8);
            return "Basic " + Base64.getEncoder().encodeToString(pair);
        }
    }

    /** RFC 6750 Bearer: {@code Bearer <token>}. */
    record Bearer(Secret token) implements HttpAuth {
        public Bearer {
            Objects.requireNonNull(token, "token");
        }

        @Override
        public String authorizationHeader() {
            return "Bearer " + token.reveal();
        }
    }
}
