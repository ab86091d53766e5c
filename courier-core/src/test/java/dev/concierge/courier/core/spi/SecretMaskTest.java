package dev.concierge.courier.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretMaskTest {
    private final SecretMask mask = SecretMask.of(Secret.of("tok-123"), null, Secret.of(""))
            .and(SecretMask.ofTexts(List.of("tok-123-long")));

    @Test
    void hidesEveryOccurrenceOfEverySecretTheLongestFirst() {
        assertThat(mask.apply("a tok-123 and tok-123-long, tok-123"))
                .isEqualTo("a ****** and ******, ******");
    }

    @Test
    void leavesTextWithoutSecretsAndNullAsTheyAre() {
        assertThat(mask.apply("HTTP 400: bad")).isEqualTo("HTTP 400: bad");
        assertThat(mask.apply((String) null)).isNull();
        assertThat(SecretMask.none().apply("tok-123")).isEqualTo("tok-123");
        assertThat(SecretMask.of((Secret) null).isEmpty()).isTrue();
    }

    @Test
    void hidesTheBeginningOfASecretCutAtTheEndOfACutText() {
        assertThat(mask.applyToCut("you sent Bearer tok-1")).isEqualTo("you sent Bearer ******");
        assertThat(mask.apply("you sent Bearer tok-1")).isEqualTo("you sent Bearer tok-1");
    }

    @Test
    void masksAnOutcomesDetailKeepingItsKindAndItsCounts() {
        assertThat(mask.apply(new DeliveryOutcome.Retry("echo tok-123", Duration.ofSeconds(3))))
                .isEqualTo(new DeliveryOutcome.Retry("echo ******", Duration.ofSeconds(3)));
        assertThat(mask.apply(new DeliveryOutcome.PartiallyRejected(2, 1, "tok-123")))
                .isEqualTo(new DeliveryOutcome.PartiallyRejected(2, 1, "******"));
        assertThat(mask.apply(new DeliveryOutcome.Rejected("tok-123"))).isEqualTo(new DeliveryOutcome.Rejected("******"));
        DeliveryOutcome clean = new DeliveryOutcome.Delivered("HTTP 204");
        assertThat(mask.apply(clean)).isSameAs(clean);
    }
}
