package dev.concierge.courier.app.e2e;

import static dev.concierge.courier.app.e2e.ZabbixIntakeToRealZabbixTest.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.app.e2e.ZabbixIntakeToRealZabbixTest.Sent;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.pipeline.Pipeline;
import dev.concierge.courier.core.pipeline.ScheduledSource;
import dev.concierge.courier.core.pipeline.SinkSpec;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.testing.RecordingSink;
import dev.concierge.courier.sinks.zabbix.client.TestCertificates;
import dev.concierge.courier.sources.intake.IntakeTls;
import dev.concierge.courier.sources.zabbix.ZabbixIntakeConfig;
import dev.concierge.courier.sources.zabbix.ZabbixIntakeSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scripts that pass {@code --tls-connect cert} keep working against the intake: the real {@code zabbix_sender}
 * with a client certificate from the intake's CA is answered; one without TLS, or with a certificate the CA
 * did not sign, is refused and counted.
 */
class ZabbixIntakeTlsTest {
    @TempDir
    Path dir;
    private Pipeline pipeline;

    @AfterEach
    void stop() {
        if (pipeline != null) {
            pipeline.stop(Duration.ofSeconds(2));
        }
    }

    @Test
    void answersZabbixSenderWithACertificateAndRefusesPlainText() throws Exception {
        TestCertificates certificates = TestCertificates.create(dir);
        ZabbixIntakeConfig plain = ZabbixIntakeConfig.of("scripts", "127.0.0.1", 0);
        ZabbixIntakeSource intake = ZabbixIntakeSource.create(new ZabbixIntakeConfig(plain.name(), plain.host(), 0,
                List.of(), plain.maxRequestBytes(), plain.maxConnections(), plain.requestTimeout(),
                plain.acknowledgementTimeout(),
                new IntakeTls(certificates.serverCert(), certificates.serverKey(), certificates.caCert()), false));
        RecordingSink sink = new RecordingSink("zabbix");
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 20),
                new InMemoryDeliveryLedger(Clock.systemUTC(), 100),
                List.of(new ScheduledSource(intake, Duration.ofSeconds(5))),
                List.of(new SinkSpec(sink, failures -> Duration.ZERO, 1 << 20)), Clock.systemUTC());
        pipeline.start();
        await().until(() -> intake.port() > 0);
        String port = Integer.toString(intake.port());

        Sent withCertificate = send(intake.port(), "-s", "web-01", "-k", "tls.state", "-o", "1", "--tls-connect", "cert",
                "--tls-ca-file", certificates.caCert().toString(), "--tls-cert-file", certificates.clientCert().toString(),
                "--tls-key-file", certificates.clientKey().toString());
        Sent withoutTls = send(intake.port(), "-s", "web-01", "-k", "tls.state", "-o", "2");

        assertThat(withCertificate.exitCode()).as(withCertificate.output()).isZero();
        assertThat(withCertificate.output()).contains("processed: 1; failed: 0; total: 1");
        assertThat(withoutTls.exitCode()).as(withoutTls.output()).isEqualTo(1);
        await().until(() -> sink.samplesSent().size() == 1);
        assertThat(sink.samplesSent()).extracting(Sample::name, Sample::host)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("tls.state", "web-01"));
        assertThat(intake.events().get("tls_failures").getAsLong()).as("port %s", port).isEqualTo(1);
    }
}
