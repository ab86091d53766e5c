package dev.concierge.courier.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretTest {
    record ZabbixAuth(String identity, Secret psk) {
    }

    @Test
    void neverShowsItsValueInToString() {
        Secret secret = Secret.of("0123456789abcdef");

        assertThat(secret.toString()).isEqualTo("******");
        assertThat(String.valueOf(secret)).doesNotContain("0123");
        assertThat("psk=" + secret).isEqualTo("psk=******");
        assertThat(String.format("%s", secret)).isEqualTo("******");
    }

    @Test
    void staysMaskedInsideARecordsToString() {
        ZabbixAuth auth = new ZabbixAuth("courier", Secret.of("0123456789abcdef"));

        assertThat(auth.toString()).isEqualTo("ZabbixAuth[identity=courier, psk=******]");
    }

    @Test
    void masksEmptyAndShortValuesTheSameWay() {
        assertThat(Secret.of("").toString()).isEqualTo(Secret.of("x").toString()).isEqualTo("******");
    }

    @Test
    void revealsTheValueOnlyWhenAsked() {
        Secret secret = Secret.of("hunter2");

        assertThat(secret.reveal()).isEqualTo("hunter2");
        assertThat(secret).isEqualTo(Secret.of("hunter2")).isNotEqualTo(Secret.of("hunter3"));
        assertThat(secret.isEmpty()).isFalse();
    }
}
