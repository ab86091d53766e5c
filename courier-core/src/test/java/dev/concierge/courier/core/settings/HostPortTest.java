package dev.concierge.courier.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPortTest {

    @ParameterizedTest
    @CsvSource({
            "zabbix.example.com:10051, zabbix.example.com, 10051",
            "zabbix, zabbix, 10051",
            "10.0.0.5:2003, 10.0.0.5, 2003",
            "graphite_1:1, graphite_1, 1",
            "localhost:65535, localhost, 65535",
            "'[::1]:10051', ::1, 10051",
            "'[::1]', ::1, 10051",
            "'[fe80::1%eth0]:2003', fe80::1%eth0, 2003",
            "'[2001:db8::42]:443', 2001:db8::42, 443",
    })
    void parsesHostAndPortOrUsesTheDefaultPort(String text, String host, int port) {
        assertThat(HostPort.parse(text, 10051)).isEqualTo(HostPort.of(host, port));
    }

    @ParameterizedTest
    @CsvSource({
            "'', host:port such as zabbix.example.com:10051 or [::1]:10051",
            "zabbix:, host:port such as zabbix.example.com:10051 or [::1]:10051",
            ":10051, host:port such as zabbix.example.com:10051 or [::1]:10051",
            "zabbix:http, host:port such as zabbix.example.com:10051 or [::1]:10051",
            "zabbix:-1, host:port such as zabbix.example.com:10051 or [::1]:10051",
            "zab bix:10051, host:port such as zabbix.example.com:10051 or [::1]:10051",
            "http://zabbix:10051, host:port such as zabbix.example.com:10051 or [::1]:10051",
            "'[::1:10051', host:port such as zabbix.example.com:10051 or [::1]:10051",
            "'[::1]10051', host:port such as zabbix.example.com:10051 or [::1]:10051",
            "'[zabbix]:10051', host:port such as zabbix.example.com:10051 or [::1]:10051",
            "::1, an IPv6 address in brackets such as [::1]:10051",
            "zabbix:0, a port from 1 to 65535",
            "zabbix:65536, a port from 1 to 65535",
            "zabbix:1000000000000, a port from 1 to 65535",
    })
    void refusesMalformedAddressesAndPortsOutOfRange(String text, String expected) {
        assertThatThrownBy(() -> HostPort.parse(text, 10051))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.expected()).isEqualTo(expected));
    }

    @Test
    void requiresThePortWhenThereIsNoDefault() {
        assertThatThrownBy(() -> HostPort.parse("zabbix", 0)).isInstanceOf(InvalidValueException.class);
        assertThat(HostPort.parse("zabbix:1", 0)).isEqualTo(HostPort.of("zabbix", 1));
    }

    @Test
    void printsBracketsAroundIpv6HostsSoTheTextParsesBack() {
        assertThat(HostPort.of("::1", 10051)).hasToString("[::1]:10051");
        assertThat(HostPort.of("zabbix", 10051)).hasToString("zabbix:10051");
        assertThat(HostPort.parse(HostPort.of("::1", 10051).toString(), 0)).isEqualTo(HostPort.of("::1", 10051));
    }

    @Test
    void givesAnUnresolvedAddress() {
        assertThat(HostPort.of("zabbix.invalid", 10051).unresolvedAddress().isUnresolved()).isTrue();
    }
}
