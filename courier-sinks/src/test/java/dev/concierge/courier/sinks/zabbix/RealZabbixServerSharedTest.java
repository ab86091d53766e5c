package dev.concierge.courier.sinks.zabbix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The per-JVM instance, as other test classes use it. Runs in the same surefire fork after (or before)
 * {@link RealZabbixServerTest}, which proves that a private instance and the shared one follow each other
 * cleanly.
 */
class RealZabbixServerSharedTest {

    @Test
    void sharedInstanceIsStartedOnceAndSurvivesClose() {
        RealZabbixServer first = RealZabbixServer.shared();
        try (RealZabbixServer second = RealZabbixServer.shared()) {
            assertThat(second).isSameAs(first);
        }

        assertThat(first.call("apiinfo.version", List.of()).asText()).startsWith("6.0.");
    }

    @Test
    void privateInstanceReplacesTheIdleSharedOneWhichRestartsOnDemand() {
        RealZabbixServer before = RealZabbixServer.shared();

        try (RealZabbixServer own = RealZabbixServer.start()) {
            assertThat(own).isNotSameAs(before);
            assertThat(own.call("apiinfo.version", List.of()).asText()).startsWith("6.0.");
            assertThatIllegalStateException()
                    .isThrownBy(RealZabbixServer::shared)
                    .withMessageContaining("already running in this JVM");
        }

        RealZabbixServer after = RealZabbixServer.shared();
        assertThat(after).isNotSameAs(before);
        assertThat(after.call("apiinfo.version", List.of()).asText()).startsWith("6.0.");
    }
}
