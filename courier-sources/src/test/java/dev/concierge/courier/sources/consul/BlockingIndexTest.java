package dev.concierge.courier.sources.consul;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BlockingIndexTest {
    private final BlockingIndex index = new BlockingIndex();

    @Test
    void firstQuerySendsNoIndex() {
        assertThat(index.next()).isEqualTo(BlockingIndex.NONE);
    }

    @Test
    void sendsBackTheIndexOfTheLastAnswer() {
        assertThat(index.accept(20460L)).isEqualTo(BlockingIndex.Step.ADVANCED);
        assertThat(index.next()).isEqualTo(20460L);
        assertThat(index.accept(20460L)).isEqualTo(BlockingIndex.Step.ADVANCED);
        assertThat(index.next()).isEqualTo(20460L);
    }

    @Test
    void resetsWhenTheIndexGoesBackwards() {
        index.accept(500L);

        assertThat(index.accept(20L)).isEqualTo(BlockingIndex.Step.RESET);
        assertThat(index.next()).isEqualTo(BlockingIndex.NONE);
        assertThat(index.accept(21L)).isEqualTo(BlockingIndex.Step.ADVANCED);
        assertThat(index.next()).isEqualTo(21L);
    }

    @Test
    void sendsOneForAZeroIndexSoTheQueryBlocks() {
        assertThat(index.accept(0L)).isEqualTo(BlockingIndex.Step.ADVANCED);
        assertThat(index.next()).isEqualTo(1L);
        assertThat(index.accept(1L)).isEqualTo(BlockingIndex.Step.ADVANCED);
        assertThat(index.next()).isEqualTo(1L);
    }

    @Test
    void treatsAMissingHeaderAsZero() {
        assertThat(index.accept(null)).isEqualTo(BlockingIndex.Step.ADVANCED);
        assertThat(index.next()).isEqualTo(1L);
    }

    @Test
    void comparesIndexesAsUnsignedNumbers() {
        long aboveLongMax = Long.parseUnsignedLong("9223372036854775808");
        index.accept(Long.MAX_VALUE);

        assertThat(index.accept(aboveLongMax)).isEqualTo(BlockingIndex.Step.ADVANCED);
        assertThat(index.next()).isEqualTo(aboveLongMax);
        assertThat(index.accept(5L)).isEqualTo(BlockingIndex.Step.RESET);
    }

    @Test
    void sendsNoIndexAfterAFailedQuerySoTheFirstQueryBackAnswersAtOnce() {
        index.accept(500L);

        index.failed();

        assertThat(index.next()).isEqualTo(BlockingIndex.NONE);
        assertThat(index.accept(20L)).isEqualTo(BlockingIndex.Step.ADVANCED);
        assertThat(index.next()).isEqualTo(20L);
    }
}
