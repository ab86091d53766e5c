package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.app.discovery.DiscoverySnapshotSource;
import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.LldDiscoverable;
import dev.concierge.courier.core.spi.LldRow;
import dev.concierge.courier.core.spi.LldRows;
import dev.concierge.courier.core.spi.Source;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source type the courier has never heard of reaches {@code courier discover} through the
 * {@link LldDiscoverable} ability alone, by the path {@code courier run} takes: the wiring's
 * {@link DiscoverySnapshotSource} around the source, then {@code discover --data-dir --source}.
 */
class DiscoverAnySourceTypeTest {
    private static final Duration INTERVAL = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /** A test-only source type: it discovers the rooms it was given, from its latest collect on. */
    private static final class RoomsSource implements Source, LldDiscoverable {
        private final List<String> rooms;
        private volatile LldRows found;

        RoomsSource(String... rooms) {
            this.rooms = List.of(rooms);
        }

        @Override
        public String name() {
            return "building";
        }

        @Override
        public void collect(Emitter out) {
            List<LldRow> rows = rooms.stream().map(room -> {
                Map<String, String> macros = new LinkedHashMap<>();
                macros.put("{#ROOM}", room);
                macros.put("{#FLOOR}", room.substring(0, 1));
                return new LldRow("floor-" + room.charAt(0), macros);
            }).toList();
            found = LldRows.complete(rows);
        }

        @Override
        public Optional<LldRows> lldRows() {
            return Optional.ofNullable(found);
        }
    }

    /** A test-only source type without the ability. */
    private static final class MeterSource implements Source {
        @Override
        public String name() {
            return "meter";
        }

        @Override
        public void collect(Emitter out) {
        }
    }

    @Test
    void aNewSourceTypeWithTheAbilityIsListedByDiscoverAsItsSourceFoundIt() throws Exception {
        RoomsSource rooms = new RoomsSource("1a", "2b \"east\"");
        Source wrapped = DiscoverySnapshotSource.wrap(rooms, "rooms", dir, INTERVAL, Clock.systemUTC());

        CommandOutput beforeCollect = CommandOutput.run("discover", "--data-dir", dir.toString(), "--source", "building");
        wrapped.collect(sample -> true);
        CommandOutput array = CommandOutput.run("discover", "--data-dir", dir.toString(), "--source", "building");
        CommandOutput data = CommandOutput.run("discover", "--data-dir", dir.toString(), "--source", "building",
                "--format", "data");
        CommandOutput kind = CommandOutput.run("discover", "--data-dir", dir.toString(), "--source", "building",
                "--kind", "timers");

        assertThat(beforeCollect.exitCode()).isEqualTo(1);
        assertThat(beforeCollect.err()).contains("no snapshot");
        assertThat(array.err()).isEmpty();
        assertThat(array.exitCode()).isZero();
        assertThat(array.out()).isEqualTo("[{\"{#ROOM}\":\"1a\",\"{#FLOOR}\":\"1\"},"
                + "{\"{#ROOM}\":\"2b \\\"east\\\"\",\"{#FLOOR}\":\"2\"}]\n");
        assertThat(data.out()).isEqualTo("{\"data\":" + array.out().strip() + "}\n");
        assertThat(kind.exitCode()).isEqualTo(2);
        assertThat(kind.err()).contains("--kind applies to --type dropwizard only");
        assertThat(wrapped).isInstanceOf(LldDiscoverable.class);
        assertThat(((LldDiscoverable) wrapped).lldRows()).isEqualTo(rooms.lldRows());
    }

    @Test
    void aSourceWithoutTheAbilityContributesNoRowsAndDiscoverSaysSo() throws Exception {
        MeterSource meter = new MeterSource();

        Source wrapped = DiscoverySnapshotSource.wrap(meter, "meter-bus", dir, INTERVAL, Clock.systemUTC());
        wrapped.collect(sample -> true);
        CommandOutput result = CommandOutput.run("discover", "--data-dir", dir.toString(), "--source", "meter");

        assertThat(wrapped).isSameAs(meter);
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).startsWith("courier discover: ")
                .contains("source meter lists no LLD rows: its type, meter-bus, has no discovery");
        // A reader that does not know "discovers" still refuses it, rather than printing [] (all entities lost).
        assertThat(Files.readString(dir.resolve("discovery/meter.json")))
                .contains("\"incomplete\":\"source meter of type meter-bus has no discovery\"")
                .contains("\"rows\":[]");
    }
}
