package dev.concierge.courier.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class CompactWriterTest {

    @Test
    void eachViewHoldsExactlyTheRecordWrittenSinceTheLastResetAlsoAfterTheBufferGrew() {
        CompactWriter writer = new CompactWriter();
        writer.reset(2);
        writer.writeString("a");
        ByteBuffer first = writer.view();
        assertThat(first.position()).isZero();
        assertThat(first.remaining()).isEqualTo(4);
        first.position(first.limit()); // consumed, as a channel write leaves it

        writer.reset(0);
        String longer = "x".repeat(1000); // past the first array: the writer grows it
        writer.writeString(longer);
        ByteBuffer second = writer.view();

        assertThat(second.position()).isZero();
        assertThat(second.remaining()).isEqualTo(writer.length());
        assertThat(CompactReader.readString(second)).isEqualTo(longer);
        assertThat(second.hasRemaining()).isFalse();
    }
}
