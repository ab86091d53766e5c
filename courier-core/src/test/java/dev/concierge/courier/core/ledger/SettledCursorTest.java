package dev.concierge.courier.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link SettledCursor}: the cursor moves over the contiguous prefix only, and only at {@code advance}. */
class SettledCursorTest {

    @Test
    void movesOnlyOverTheContiguousPrefixOfSettledSequences() {
        SettledCursor settled = new SettledCursor();
        settled.startAt(10);

        settled.add(15, 20);
        settled.advance();
        assertThat(settled.cursor()).isEqualTo(10);

        settled.add(10, 15);
        assertThat(settled.cursor()).as("not before advance").isEqualTo(10);
        settled.advance();
        assertThat(settled.cursor()).isEqualTo(20);
    }

    @Test
    void startsPastRangesAddedBeforeTheStart() {
        SettledCursor settled = new SettledCursor();
        settled.add(5, 8); // a gap found at open, settled before the last stop

        settled.startAt(5);

        assertThat(settled.cursor()).isEqualTo(8);
        assertThat(settled.durable()).isEqualTo(5);
        assertThat(settled.aheadOfDurable()).isTrue();
    }

    @Test
    void isNotAheadOnceTheCursorIsMadeDurable() {
        SettledCursor settled = new SettledCursor();
        settled.startAt(0);
        settled.add(0, 3);
        settled.advance();

        settled.madeDurable(settled.cursor());

        assertThat(settled.aheadOfDurable()).isFalse();
        assertThat(settled.durable()).isEqualTo(3);
    }
}
