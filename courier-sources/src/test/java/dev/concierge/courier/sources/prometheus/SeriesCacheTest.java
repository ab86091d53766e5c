package dev.concierge.courier.sources.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Labels;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The series cache alone: keyed by the bytes of a series part, found in order or by hash, and bounded. */
class SeriesCacheTest {
    private final SeriesCache cache = new SeriesCache();

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private int put(String key, String name, String family, FamilyType type) {
        byte[] b = bytes(key);
        return cache.put(PrometheusLineScanner.hash(b, 0, b.length), b, 0, b.length, name, Labels.of("k", key),
                family, type, type == FamilyType.HISTOGRAM);
    }

    private int find(String key) {
        byte[] b = bytes("..." + key);
        return cache.find(b, 3, b.length, PrometheusLineScanner.hash(b, 3, b.length));
    }

    @Test
    void numbersSeriesInTheOrderFirstReadAndFindsThemByTheirBytes() {
        assertThat(put("a{x=\"1\"}", "a", "a", FamilyType.GAUGE)).isZero();
        assertThat(put("b", "b", "b", FamilyType.COUNTER)).isEqualTo(1);
        assertThat(put("c_bucket{le=\"1.0\"}", "c_bucket", "c", FamilyType.HISTOGRAM)).isEqualTo(2);

        assertThat(find("b")).isEqualTo(1);
        assertThat(find("c_bucket{le=\"1.0\"}")).isEqualTo(2);
        assertThat(find("a{x=\"2\"}")).isEqualTo(-1);
        assertThat(find("a")).isEqualTo(-1);
        assertThat(cache.name(2)).isEqualTo("c_bucket");
        assertThat(cache.labels(2)).isEqualTo(Labels.of("k", "c_bucket{le=\"1.0\"}"));
        assertThat(cache.countsOnly(2)).isTrue();
        assertThat(cache.keyLength(2)).isEqualTo(18);
        assertThat(cache.hash(1)).isEqualTo(PrometheusLineScanner.hash(bytes("b"), 0, 1));
        assertThat(cache.size()).isEqualTo(3);
    }

    @Test
    void guessesTheSeriesAfterThePreviousOne() {
        put("a", "a", "a", FamilyType.GAUGE);
        put("b", "b", "b", FamilyType.GAUGE);
        assertThat(cache.after(-1)).isZero();
        assertThat(cache.after(0)).isEqualTo(1);
        assertThat(cache.after(1)).isEqualTo(-1);
        assertThat(new SeriesCache().after(-1)).isEqualTo(-1);
    }

    @Test
    void aGuessHoldsOnlyWhenTheLineHasExactlyThatSeriesPart() {
        int plain = put("node_load1", "node_load1", "node_load1", FamilyType.GAUGE);
        int labelled = put("x{a=\"1\"}", "x", "x", FamilyType.GAUGE);

        assertThat(isAt(plain, "node_load1 0.5")).isTrue();
        assertThat(isAt(plain, "node_load1")).isTrue();
        assertThat(isAt(plain, "node_load1\t{}")).as("a label block follows").isFalse();
        assertThat(isAt(plain, "node_load15 0.5")).as("a longer name").isFalse();
        assertThat(isAt(plain, "node_load1:x 0.5")).isFalse();
        assertThat(isAt(plain, "node_load 0.5")).isFalse();
        assertThat(isAt(labelled, "x{a=\"1\"} 2")).isTrue();
        assertThat(isAt(labelled, "x{a=\"1\"}2")).as("what follows the block is the value's business").isTrue();
        assertThat(isAt(labelled, "x{a=\"1\",b=\"2\"} 2")).isFalse();
        assertThat(isAt(labelled, "x{a=\"1\"")).isFalse();
    }

    private boolean isAt(int series, String line) {
        byte[] b = bytes("# " + line + "\nnext");
        return cache.isAt(series, b, 2, 2 + line.length());
    }

    @Test
    void remembersTheFamilyASeriesWasReadInAndReplacesIt() {
        int series = put("x_count", "x_count", "x", FamilyType.HISTOGRAM);
        assertThat(cache.readIn(series, "x", FamilyType.HISTOGRAM)).isTrue();
        assertThat(cache.readIn(series, new String("x"), FamilyType.HISTOGRAM)).isTrue();
        assertThat(cache.readIn(series, "x", FamilyType.SUMMARY)).isFalse();
        assertThat(cache.readIn(series, "x_count", FamilyType.HISTOGRAM)).isFalse();

        assertThat(put("x_count", "x_count", "x_count", FamilyType.UNTYPED)).isEqualTo(series);
        assertThat(cache.readIn(series, "x_count", FamilyType.UNTYPED)).isTrue();
        assertThat(cache.countsOnly(series)).isFalse();
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void keepsNoKeyLongerThanItsBound() {
        String key = "m{p=\"" + "v".repeat(SeriesCache.MAX_KEY_LENGTH) + "\"}";
        assertThat(put(key, "m", "m", FamilyType.GAUGE)).isEqualTo(-1);
        assertThat(cache.size()).isZero();
        String longest = "m{p=\"" + "v".repeat(SeriesCache.MAX_KEY_LENGTH - 7) + "\"}";
        assertThat(put(longest, "m", "m", FamilyType.GAUGE)).isZero();
    }

    @Test
    void growsKeepingEverySeriesThenForgetsThemAtItsBound() {
        int max = SeriesCache.MAX_SLOTS - SeriesCache.MAX_SLOTS / 4;
        for (int i = 0; i < max; i++) {
            assertThat(put("m{i=\"" + i + "\"}", "m", "m", FamilyType.GAUGE)).isEqualTo(i);
        }
        assertThat(cache.slots()).isEqualTo(SeriesCache.MAX_SLOTS);
        for (int i = 0; i < max; i += 997) {
            assertThat(find("m{i=\"" + i + "\"}")).isEqualTo(i);
        }
        assertThat(put("one more", "m", "m", FamilyType.GAUGE)).as("full at the bound: starts over").isZero();
        assertThat(cache.size()).isEqualTo(1);
        assertThat(find("m{i=\"5\"}")).isEqualTo(-1);
    }

    @Test
    void forgetsEverythingWhenItHoldsMoreThanTwiceTheLastExposition() {
        for (int i = 0; i < 5000; i++) {
            put("m{i=\"" + i + "\"}", "m", "m", FamilyType.GAUGE);
        }
        cache.fit(2500);
        assertThat(cache.size()).isEqualTo(5000);
        cache.fit(2499);
        assertThat(cache.size()).isZero();
        assertThat(cache.slots()).isEqualTo(8192);
        assertThat(find("m{i=\"1\"}")).isEqualTo(-1);
    }

    @Test
    void startsOverWhenItsKeysPassTheirByteBudget() {
        String padding = "v".repeat(SeriesCache.MAX_KEY_LENGTH - 20);
        int fits = SeriesCache.MAX_KEY_BYTES / (padding.length() + 16);
        int i = 0;
        while (cache.size() == i) {
            put("m{i=\"" + (10_000 + i) + "\",p=\"" + padding + "\"}", "m", "m", FamilyType.GAUGE);
            i++;
        }
        assertThat(i).isBetween(fits - 10, fits + 10);
        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.keyBytes()).isLessThanOrEqualTo(SeriesCache.MAX_KEY_BYTES);
    }
}
