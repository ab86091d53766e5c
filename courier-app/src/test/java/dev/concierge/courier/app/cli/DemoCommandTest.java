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
}
