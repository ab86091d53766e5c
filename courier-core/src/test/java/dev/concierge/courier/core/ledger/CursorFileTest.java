package dev.concierge.courier.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CursorFile}: its format, its atomic replacement, and the cursors it refuses to trust. */
class CursorFileTest {
    @TempDir
    Path dir;

    private CursorFile cursor() {
        return new CursorFile("zabbix", dir);
    }

    private Path file() {
        return dir.resolve(CursorFile.NAME);
    }

    @Test
    void readsBackTheSequenceItWrote() throws IOException {
        cursor().write(42);

        assertThat(cursor().read()).isEqualTo(42);
    }

    @Test
    void aLaterWriteReplacesTheCursorAndLeavesNoTempFile() throws IOException {
        CursorFile cursor = cursor();
        cursor.write(42);
        cursor.write(1L << 40);

        assertThat(cursor().read()).isEqualTo(1L << 40);
        assertThat(dir.resolve(CursorFile.TEMP_NAME)).doesNotExist();
    }

    @Test
    void writesSixteenBytesMagicThenTheSequenceBigEndian() throws IOException {
        cursor().write(0x0102030405060708L);

        byte[] bytes = Files.readAllBytes(file());
        assertThat(bytes).hasSize(16);
        assertThat(Arrays.copyOf(bytes, 12)).containsExactly('C', 'C', 'U', 'R', 1, 2, 3, 4, 5, 6, 7, 8);
    }

    @Test
    void readsNoneWhenThereIsNoCursor() {
        assertThat(cursor().read()).isEqualTo(-1);
    }

    @Test
    void refusesATornCursor() throws IOException {
        cursor().write(42);
        byte[] bytes = Files.readAllBytes(file());

        for (int length = 0; length < bytes.length; length++) {
            Files.write(file(), Arrays.copyOf(bytes, length));
            assertThat(cursor().read()).as("cut to %d bytes", length).isEqualTo(-1);
        }
    }

    @Test
    void refusesACursorWhoseChecksumDoesNotMatch() throws IOException {
        cursor().write(42);
        byte[] bytes = Files.readAllBytes(file());
        bytes[11] ^= 1; // the low byte of the sequence: 43 would pass every other check

        Files.write(file(), bytes);

        assertThat(cursor().read()).isEqualTo(-1);
    }

    @Test
    void refusesACursorThatIsNotOne() throws IOException {
        ByteBuffer other = ByteBuffer.allocate(16).putInt(0x4c454447).putLong(42);
        Files.write(file(), other.array());

        assertThat(cursor().read()).isEqualTo(-1);
    }

    @Test
    void deletesATempFileLeftByAnInterruptedWrite() throws IOException {
        cursor().write(42);
        Files.write(dir.resolve(CursorFile.TEMP_NAME), new byte[] {1, 2, 3});

        assertThat(cursor().deleteUnfinishedUpdate()).isTrue();
        assertThat(dir.resolve(CursorFile.TEMP_NAME)).doesNotExist();
        assertThat(cursor().deleteUnfinishedUpdate()).isFalse();
        assertThat(cursor().read()).isEqualTo(42);
    }
}
