package dev.concierge.courier.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link BacklogState}: reads back what it wrote, survives a torn slot, and never grows after it is created. */
class BacklogStateTest {
    @TempDir
    Path dir;

    private static BacklogState.Snapshot snapshot(long cursor, long notOnDisk) {
        return new BacklogState.Snapshot(cursor, cursor + 100, notOnDisk, Instant.ofEpochSecond(1_700_000_000, 5),
                null, true, List.of(new BacklogState.SegmentExpectation(0, 49, 50),
                        new BacklogState.SegmentExpectation(50, 99 + cursor, 50 + (int) cursor)));
    }

    @Test
    void readsBackTheLastSnapshotWritten() throws IOException {
        BacklogState state = new BacklogState(dir);
        state.write(snapshot(1, 0), true);
        state.write(snapshot(2, 7), false);
        state.write(snapshot(3, 9), false);
        state.release();

        assertThat(new BacklogState(dir).read()).isEqualTo(snapshot(3, 9));
    }

    @Test
    void fallsBackToTheOtherSlotWhenTheNewestIsTorn() throws IOException {
        BacklogState state = new BacklogState(dir);
        state.write(snapshot(1, 0), true);
        state.write(snapshot(2, 0), true);
        state.release();
        // The second write went to the second slot.
        try (FileChannel channel = FileChannel.open(dir.resolve(BacklogState.NAME), StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {0x11, 0x22}), 8192 + 30);
        }

        BacklogState reread = new BacklogState(dir);
        assertThat(reread.read()).isEqualTo(snapshot(1, 0));
        reread.write(snapshot(4, 0), true);
        assertThat(new BacklogState(dir).read()).as("a later write wins over both").isEqualTo(snapshot(4, 0));
    }

    @Test
    void isCreatedAtItsFullSizeAndOverwrittenInPlace() throws IOException {
        BacklogState state = new BacklogState(dir);
        state.write(snapshot(1, 0), true);
        long size = Files.size(dir.resolve(BacklogState.NAME));
        List<BacklogState.SegmentExpectation> many = new ArrayList<>();
        for (int i = 0; i < BacklogState.MAX_SEGMENTS + 10; i++) {
            many.add(new BacklogState.SegmentExpectation(i * 10L, i * 10L + 9, 10));
        }
        state.write(new BacklogState.Snapshot(0, 5000, 0, null, null, true, many), true);

        assertThat(Files.size(dir.resolve(BacklogState.NAME))).isEqualTo(size).isEqualTo(16384);
        BacklogState.Snapshot read = new BacklogState(dir).read();
        assertThat(read.complete()).as("the oldest were left out").isFalse();
        assertThat(read.segments()).hasSize(BacklogState.MAX_SEGMENTS).last().isEqualTo(many.get(many.size() - 1));
    }

    @Test
    void readsNothingWhenThereIsNoFile() {
        assertThat(new BacklogState(dir).read()).isNull();
    }
}
