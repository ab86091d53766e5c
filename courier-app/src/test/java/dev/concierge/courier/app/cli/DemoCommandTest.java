package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DemoCommandTest {

    @Test
    void showsValuesArrivingAndTheLedgerThenStopsCleanly() {
        CommandOutput result = CommandOutput.run("demo", "--interval", "300ms", "--duration", "2s");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out())
                .contains("zabbix <- demo-app   timer[app.requests.p99]")
                .contains("zabbix <- demo-app   meter[app.logins.m1_rate]")
                .contains("zabbix <- demo-app   counter[app.sessions.active.count]")
                .containsPattern("ledger: DELIVERED sink=zabbix batch=\\d+ samples=\\d+ accepted=\\d+ rejected=0")
                .contains("answer=\"processed: ")
                .containsPattern("delivered [1-9]\\d*, rejected 0, dropped 0, pending 0");
    }

    @Test
    void servesTheStatusPageOnLoopbackWhenAsked() {
        CommandOutput result = CommandOutput.run("demo", "--interval", "300ms", "--duration", "1s", "--quiet-values",
                "--admin", "127.0.0.1:0");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).containsPattern("admin endpoint and status page: +http://127\\.0\\.0\\.1:[1-9]\\d*/");
    }

    @Test
    void refusesAnAdminAddressOffLoopback() {
        CommandOutput result = CommandOutput.run("demo", "--admin", "0.0.0.0:8080");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("courier demo: --admin token: missing for 0.0.0.0");
    }
}
