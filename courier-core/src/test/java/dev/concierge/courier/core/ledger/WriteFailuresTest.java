package dev.concierge.courier.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@link WriteFailures}: every failure counted, a retry a second after a failed write, recovery on success. */
class WriteFailuresTest {
    private static final IOException DISK_FULL = new IOException("No space left on device");
    private static final long SECOND = 1_000_000_000L;

    private final WriteFailures failures = new WriteFailures("zabbix", Path.of("ledger", "zabbix"), 1 << 20);

    @Test
    void countsEveryFailedWriteSyncAndCursorWrite() {
        failures.writeFailed(DISK_FULL, 0);
        failures.failed("sync", DISK_FULL);
        failures.failed("write the cursor of", DISK_FULL);

        assertThat(failures.errors()).isEqualTo(3);
    }

    @Test
    void retriesAWriteNoSoonerThanASecondAfterItFailed() {
        long failedAt = 5 * SECOND;

        failures.writeFailed(DISK_FULL, failedAt);

        assertThat(failures.retryDue(failedAt + SECOND - 1)).isFalse();
        assertThat(failures.retryDue(failedAt + SECOND)).isTrue();
    }

    @Test
    void measuresTheSecondAcrossTheWrapOfNanoTime() {
        failures.writeFailed(DISK_FULL, Long.MAX_VALUE - SECOND / 2);

        assertThat(failures.retryDue(Long.MAX_VALUE)).isFalse();
        assertThat(failures.retryDue(Long.MIN_VALUE + SECOND / 2)).isTrue();
    }

    @Test
    void isFailingFromTheFirstFailureUntilAWriteSucceeds() {
        assertThat(failures.failing()).isFalse();

        failures.failed("sync", DISK_FULL);
        assertThat(failures.failing()).isTrue();
        failures.writeFailed(DISK_FULL, 0);
        assertThat(failures.failing()).isTrue();

        failures.writeSucceeded();
        assertThat(failures.failing()).isFalse();
        assertThat(failures.errors()).isEqualTo(2);
    }
}
