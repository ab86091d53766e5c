package dev.concierge.courier.sources.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.core.spi.Secret;
import dev.concierge.courier.core.spi.SourceException;
import dev.concierge.courier.sources.LoopbackHttpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a fetch with {@link ScrapeHttpSettings} sends, and what it hides in what comes back. */
class HttpFetcherLoginTest {
    @TempDir
    Path dir;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private LoopbackHttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A server recording each request's headers, answering {@code status} with a body that echoes them. */
    private HttpFetcher serving(int status, ScrapeHttpSettings http) {
        server = LoopbackHttpServer.start("/", exchange -> {
            String seen = exchange.getRequestHeaders().getFirst("X-Scope-OrgID") + "|"
                    + exchange.getRequestHeaders().getFirst("Authorization");
            received.add(seen);
            byte[] body = seen.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        return HttpFetcher.create(server.uri("/metrics"), Duration.ofSeconds(5), 1 << 20, http);
    }

    @Test
    void sendsTheHeadersAndBasicCredentials() throws Exception {
        ScrapeHttpSettings http = new ScrapeHttpSettings(Map.of("X-Scope-OrgID", "team-a"),
                new HttpCredentials.Basic("scraper", Secret.of("pässword"), null), null);
        try (HttpFetcher fetcher = serving(200, http)) {
            fetcher.fetch();
        }
        String encoded = Base64.getEncoder().encodeToString("scraper:pässword".getBytes(StandardCharsets.UTF_8));
        assertThat(received).containsExactly("team-a|Basic " + encoded);
    }

    @Test
    void readsTheCredentialsFileOnEveryFetchAndMasksWhatItHeld() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "  first-token\n");
        ScrapeHttpSettings http = new ScrapeHttpSettings(Map.of(),
                new HttpCredentials.Authorization("Token", null, token), null);
        try (HttpFetcher fetcher = serving(200, http)) {
            fetcher.fetch();
            Files.writeString(token, "second-token\n");
            fetcher.fetch();

            assertThat(received).containsExactly("null|Token first-token", "null|Token second-token");
            assertThat(fetcher.secrets().apply("echo second-token")).isEqualTo("echo ******");
        }
    }

    @Test
    void aMissingCredentialsFileFailsTheFetchNamingItsKey() {
        Path missing = dir.resolve("missing-token");
        ScrapeHttpSettings http = new ScrapeHttpSettings(Map.of(),
                new HttpCredentials.Authorization(null, null, missing), null);
        try (HttpFetcher fetcher = serving(200, http)) {
            assertThatThrownBy(fetcher::fetch).isInstanceOf(SourceException.class)
                    .hasMessage(server.uri("/metrics") + ": authorization.credentials_file " + missing + ": no such file");
        }
        assertThat(received).isEmpty();
    }

    @Test
    void aRefusedLoginSaysWhichCredentialsWereSentButNotTheSecret() {
        ScrapeHttpSettings http = new ScrapeHttpSettings(Map.of(),
                new HttpCredentials.Authorization(null, Secret.of("tok-secret"), null), null);
        try (HttpFetcher fetcher = serving(403, http)) {
            assertThatThrownBy(fetcher::fetch).isInstanceOf(SourceException.class)
                    .hasMessage(server.uri("/metrics") + ": HTTP status 403 (expected: 2xx; access denied to "
                            + "authorization Bearer)");
            assertThat(fetcher.secrets().apply("Bearer tok-secret")).isEqualTo("Bearer ******");
        }
    }
}
