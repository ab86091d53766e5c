package dev.concierge.courier.app.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.FileDeliveryLedger;
import dev.concierge.courier.core.ledger.FileSinkBacklog;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.LldRows;
import dev.concierge.courier.core.testing.Samples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything the courier creates under {@code data_dir} is its user's alone, whatever the umask: the permissions
 * are asked for at creation, and a umask can only take bits away from them.
 */
class DataDirPermissionsTest {
    private static final Set<PosixFilePermission> GROUP_OR_OTHER = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    @TempDir
    Path tmp;

    @Test
    void theLedgerItsSegmentsCursorsAndLogAndADiscoverySnapshotAreOwnerOnly() throws IOException {
        assumeThat(tmp.getFileSystem().supportedFileAttributeViews()).contains("posix");
        Path dataDir = tmp.resolve("var/courier");
        try (FileDeliveryLedger ledger = FileDeliveryLedger.open(dataDir, Clock.systemUTC(),
                FileDeliveryLedger.Options.defaults().withSegmentBytes(4096).withLedgerLog(4096, 3))) {
            FileSinkBacklog backlog = ledger.openBacklog("zabbix", 1 << 20);
            for (int i = 0; i < 20; i++) {
                Samples.counters("app", 50).forEach(sample -> backlog.append(sample, ledger::record));
                Batch batch = backlog.takeBatch(40);
                backlog.settle(batch);
                ledger.record(DeliveryRecord.settled("zabbix", batch, DeliveryRecord.Outcome.DELIVERED, 0,
                        Instant.now(), "ok"));
            }
            ledger.sync();
        }
        DiscoverySnapshot.of("app", "dropwizard", Instant.now(), Duration.ofMinutes(1), LldRows.complete(List.of()))
                .writeAtomically(DiscoverySnapshot.fileFor(dataDir.resolve(DiscoverySnapshot.DIRECTORY), "app"));

        Map<String, Set<PosixFilePermission>> created = new TreeMap<>();
        try (Stream<Path> all = Files.walk(tmp.resolve("var"))) {
            for (Path path : (Iterable<Path>) all::iterator) {
                created.put(tmp.relativize(path) + (Files.isDirectory(path) ? "/" : ""),
                        Files.getPosixFilePermissions(path));
            }
        }
        assertThat(created.keySet()).contains("var/", "var/courier/", "var/courier/lock", "var/courier/ledger.log",
                "var/courier/discovery/app.json");
        assertThat(created.keySet()).anyMatch(name -> name.startsWith("var/courier/") && name.contains("zabbix"));
        assertThat(created).allSatisfy((name, permissions) ->
                assertThat(permissions).as(name).doesNotContainAnyElementsOf(GROUP_OR_OTHER));
    }
}
