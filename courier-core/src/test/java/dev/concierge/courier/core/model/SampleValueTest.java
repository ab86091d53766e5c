package dev.concierge.courier.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SampleValueTest {

    @Test
    void smallWholeNumbersAreSharedAndRenderAsBefore() {
        for (int i = 0; i < 128; i++) {
            assertThat(SampleValue.of((long) i)).isSameAs(SampleValue.of((long) i))
                    .isEqualTo(new SampleValue.Integer(i));
            assertThat(SampleValue.of((double) i)).isSameAs(SampleValue.of((double) i))
                    .isEqualTo(new SampleValue.Decimal(i));
            assertThat(SampleValue.of((long) i).render()).isEqualTo(Long.toString(i));
            assertThat(SampleValue.of((double) i).render()).isEqualTo(Long.toString(i));
        }
    }

    @Test
    void valuesOutsideTheSharedOnesAreTheirOwn() {
        assertThat(SampleValue.of(128L)).isNotSameAs(SampleValue.of(128L)).isEqualTo(SampleValue.of(128L));
        assertThat(SampleValue.of(-1L)).isEqualTo(new SampleValue.Integer(-1));
        assertThat(SampleValue.of(0.5)).isEqualTo(new SampleValue.Decimal(0.5));
        assertThat(SampleValue.of(127.5)).isEqualTo(new SampleValue.Decimal(127.5));
        assertThat(SampleValue.of(Double.NaN)).isEqualTo(new SampleValue.Decimal(Double.NaN));
        assertThat(SampleValue.of(1e300).render()).isEqualTo("1.0E300");
        assertThat(SampleValue.of(-5L).render()).isEqualTo("-5");
        assertThat(SampleValue.of(4096.0).render()).isEqualTo("4096");
    }

    @Test
    void negativeZeroStaysDistinctFromZero() {
        SampleValue negativeZero = SampleValue.of(-0.0);

        assertThat(negativeZero).isEqualTo(new SampleValue.Decimal(-0.0)).isNotEqualTo(SampleValue.of(0.0));
        assertThat(((SampleValue.Decimal) negativeZero).value()).isEqualTo(-0.0);
        assertThat(negativeZero.render()).isEqualTo("0");
    }

    @Test
    void decimalsRenderWithoutTrailingZeroWhenIntegral() {
        assertThat(SampleValue.of(42.0).render()).isEqualTo("42");
        assertThat(SampleValue.of(0.25).render()).isEqualTo("0.25");
        assertThat(SampleValue.of(-3.0).render()).isEqualTo("-3");
        assertThat(SampleValue.of(1e20).render()).isEqualTo("1.0E20");
    }
}
