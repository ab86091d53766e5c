package dev.concierge.courier.sources.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.core.spi.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsulConfigTest {

    private static ConsulConfig config(URI agent, List<String> services, Duration wait, Duration readTimeout,
                                       ConsulConfig.Registration register) {
        return new ConsulConfig("consul", agent, Secret.of("secret-token"), services, null, wait, readTimeout,
                ConsulConfig.DEFAULT_CONNECT_TIMEOUT, ConsulConfig.DEFAULT_MIN_QUERY_INTERVAL,
                ConsulConfig.DEFAULT_BACKOFF_INITIAL, ConsulConfig.DEFAULT_BACKOFF_MAX, ConsulConfig.DEFAULT_INTERVAL,
                "courier-01", ConsulConfig.InstanceHost.NODE, ConsulConfig.Scrape.defaults(), register);
    }

    @Test
    void readTimeoutDefaultsToTheWaitPlusTheAgentsJitterPlusAMargin() {
        ConsulConfig config = config(ConsulConfig.DEFAULT_AGENT, List.of("web"), Duration.ofMinutes(5), null, null);

        // 5m + 5m/16 (18.75s) + 10s
        assertThat(config.readTimeout()).isEqualTo(Duration.ofMinutes(5).plusMillis(18_750).plusSeconds(10));
        assertThat(config.waitSeconds()).isEqualTo(300);
    }

    @Test
    void reportsEveryProblemAtOnce() {
        ConsulConfig.Registration register = new ConsulConfig.Registration("courier", "", "c:ttl", null, 0, List.of(),
                Map.of(), Duration.ofSeconds(30), Duration.ofSeconds(30));

        assertThatThrownBy(() -> config(URI.create("http://127.0.0.1:8500/?token=abc"), List.of("web", "bad name"),
                Duration.ofMinutes(5), Duration.ofMinutes(5), register))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("agent: a query or user info in the URL")
                .hasMessageContaining("services: \"bad name\"")
                .hasMessageContaining("read_timeout: 5m (expected: more than wait + wait/16 = 318750ms)")
                .hasMessageContaining("register.id: \"\"")
                .hasMessageContaining("register.deregister_critical_after: 30s (expected: at least 1m");
    }

    @Test
    void refusesAWaitAboveConsulsMaximum() {
        assertThatThrownBy(() -> config(ConsulConfig.DEFAULT_AGENT, List.of("web"), Duration.ofMinutes(11), null, null))
                .hasMessageContaining("wait: 11m (expected: whole seconds from 1s to 10m)");
    }

    @Test
    void neverShowsTheToken() {
        ConsulConfig config = config(ConsulConfig.DEFAULT_AGENT, List.of("web"), Duration.ofMinutes(5), null, null);

        assertThat(config.toString()).doesNotContain("secret-token").contains(Secret.MASK);
        assertThat(config.token()).hasToString(Secret.MASK);
    }

    @Test
    void refusesATokenThatWouldSplitTheHeader() {
        assertThat(ConsulConfig.tokenProblem(Secret.of("abc\r\nX-Other: 1")))
                .hasToString("token: a control character at position 3 (expected: printable characters only)");
        assertThat(ConsulConfig.tokenProblem(Secret.of(""))).hasToString("token: empty (expected: a non-empty ACL token)");
        assertThat(ConsulConfig.tokenProblem(Secret.of("8f3c-token"))).isNull();
        assertThatThrownBy(() -> new ConsulConfig("consul", ConsulConfig.DEFAULT_AGENT, Secret.of("abc\nX-Other: 1"),
                List.of("web"), null, Duration.ofMinutes(5), null, ConsulConfig.DEFAULT_CONNECT_TIMEOUT,
                ConsulConfig.DEFAULT_MIN_QUERY_INTERVAL, ConsulConfig.DEFAULT_BACKOFF_INITIAL,
                ConsulConfig.DEFAULT_BACKOFF_MAX, ConsulConfig.DEFAULT_INTERVAL, "courier-01",
                ConsulConfig.InstanceHost.NODE, ConsulConfig.Scrape.defaults(), null))
                .hasMessageContaining("token: a control character at position 3").hasMessageNotContaining("X-Other");
    }

    @Test
    void encodesPathSegments() {
        assertThat(ConsulAgentConnection.pathSegment("courier-01:ttl")).isEqualTo("courier-01%3Attl");
        assertThat(ConsulAgentConnection.pathSegment("a b/c")).isEqualTo("a%20b%2Fc");
    }

    @Test
    void sharingNeedsARegistrationAndAUsableTargetIdTemplate() {
        assertThatThrownBy(() -> new ConsulConfig("consul", ConsulConfig.DEFAULT_AGENT, null, List.of("web"), null,
                Duration.ofMinutes(5), null, ConsulConfig.DEFAULT_CONNECT_TIMEOUT,
                ConsulConfig.DEFAULT_MIN_QUERY_INTERVAL, ConsulConfig.DEFAULT_BACKOFF_INITIAL,
                ConsulConfig.DEFAULT_BACKOFF_MAX, ConsulConfig.DEFAULT_INTERVAL, "courier-01",
                ConsulConfig.InstanceHost.NODE, ConsulConfig.Scrape.defaults(), null,
                new ConsulConfig.Sharing(0, "{service}/{labels}", Duration.ZERO)))
                .hasMessageContaining("sharing: set without register")
                .hasMessageContaining("sharing.replicas: 0 (expected: 1..16)")
                .hasMessageContaining("sharing.target_id: \"{service}/{labels}\": unknown placeholder {labels}")
                .hasMessageContaining("sharing.settle: 0s (expected: > 0)");
    }

    @Test
    void aLostTargetLingersForOneIntervalPlusTheSettleTime() {
        ConsulConfig.Registration register = new ConsulConfig.Registration("courier", "c1", "c1:ttl", null, 0,
                List.of(), Map.of(), Duration.ofSeconds(30), Duration.ofMinutes(1));
        ConsulConfig config = new ConsulConfig("consul", ConsulConfig.DEFAULT_AGENT, null, List.of("web"), null,
                Duration.ofMinutes(5), null, ConsulConfig.DEFAULT_CONNECT_TIMEOUT,
                ConsulConfig.DEFAULT_MIN_QUERY_INTERVAL, ConsulConfig.DEFAULT_BACKOFF_INITIAL,
                ConsulConfig.DEFAULT_BACKOFF_MAX, Duration.ofSeconds(10), "courier-01",
                ConsulConfig.InstanceHost.NODE, ConsulConfig.Scrape.defaults(), register,
                ConsulConfig.Sharing.defaults());

        assertThat(config.linger()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.toString()).contains("shares targets with the other courier couriers (1 replica)");
    }
}
