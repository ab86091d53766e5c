package dev.concierge.courier.sources.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The value syntax of both formats, Go's {@code strconv.ParseFloat} in its decimal form as Prometheus calls
 * it, read from bytes: what is accepted, what is refused, and that a value is the correctly rounded double
 * (and, for an integer literal, the exact long).
 */
class GoFloatParserTest {
    /** The grammar the class Javadoc states, as a regular expression: the oracle for random inputs. */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
    private static final Pattern SPECIAL = Pattern.compile("(?i)nan|[+-]?(?:inf|infinity)");
    private static final Pattern INTEGER = Pattern.compile("[+-]?0*([0-9]*)");

    private final ParsedNumber result = new ParsedNumber();

    private boolean parse(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return GoFloatParser.parse(bytes, 0, bytes.length, result);
    }

    private double value(String text) {
        assertThat(parse(text)).as(text).isTrue();
        return result.value();
    }

    @Test
    void readsEveryDecimalFormGoWrites() {
        assertThat(value("1")).isEqualTo(1.0);
        assertThat(value("+1")).isEqualTo(1.0);
        assertThat(value("-1.5")).isEqualTo(-1.5);
        assertThat(value(".5")).isEqualTo(0.5);
        assertThat(value("5.")).isEqualTo(5.0);
        assertThat(value("1e3")).isEqualTo(1000.0);
        assertThat(value("1E+3")).isEqualTo(1000.0);
        assertThat(value("1.445737e+06")).isEqualTo(1445737.0);
        assertThat(value("4.9351e-05")).isEqualTo(4.9351e-05);
        assertThat(value("1.e2")).isEqualTo(100.0);
        assertThat(value("007")).isEqualTo(7.0);
        assertThat(value("1E+0000000000000000003")).isEqualTo(1000.0);
        assertThat(value("-0.0")).isEqualTo(-0.0);
        assertThat(Double.doubleToRawLongBits(value("-0.0"))).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(value("-0e5")).isEqualTo(-0.0);
    }

    @Test
    void readsNanUnsignedAndInfinitiesSignedOrNotInAnyCase() {
        assertThat(value("NaN")).isNaN();
        assertThat(value("nan")).isNaN();
        assertThat(value("nAN")).isNaN();
        assertThat(value("+Inf")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(value("Inf")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(value("-inf")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(value("INFINITY")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(value("-Infinity")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(result.isLong()).isFalse();

        for (String refused : new String[] {"+NaN", "-nan", "in", "infinit", "infinityy", "nann", "na", "+", "-inf1"}) {
            assertThat(parse(refused)).as(refused).isFalse();
        }
    }

    /** Prometheus refuses a value holding p, P or _ before it calls ParseFloat; Java's own forms are not Go's. */
    @Test
    void refusesHexFloatsUnderscoresJavaSuffixesAndBrokenNumbers() {
        for (String refused : new String[] {"", "-", ".", "+.", "1_000", "1_0.5", "0x1p3", "0x10", "0X1P-2", "1p3",
            "1.0d", "1f", "1L", "1e", "1e+", "1e-", "e1", ".e1", "1e1.5", "1e--1", "++1", "+-1", "1..", "..1",
            "1.2.3", " 1", "1 ", "1,5", "1e5e5", "\u00b9", "NaN1"}) {
            assertThat(parse(refused)).as("\"%s\"", refused).isFalse();
        }
    }

    @Test
    void keepsIntegerLiteralsOfUpTo18SignificantDigitsExactly() {
        assertThat(parse("9007199254740993")).isTrue();
        assertThat(result.isLong()).isTrue();
        assertThat(result.asLong()).isEqualTo(9007199254740993L); // 2^53 + 1: no double holds it
        assertThat(result.value()).isEqualTo(9007199254740992.0);

        assertThat(parse("-999999999999999999")).isTrue();
        assertThat(result.isLong()).isTrue();
        assertThat(result.asLong()).isEqualTo(-999_999_999_999_999_999L);

        assertThat(parse("000000000000000000000000042")).isTrue();
        assertThat(result.isLong()).isTrue();
        assertThat(result.asLong()).isEqualTo(42);

        assertThat(parse("1234567890123456789")).isTrue();
        assertThat(result.isLong()).as("19 significant digits").isFalse();
        assertThat(result.value()).isEqualTo(1234567890123456789.0);

        for (String notInteger : new String[] {"1.0", "1.", "1e0", "5E2", "NaN", "+Inf"}) {
            assertThat(parse(notInteger)).as(notInteger).isTrue();
            assertThat(result.isLong()).as(notInteger).isFalse();
        }
    }

    /** Go returns -0 for "-0"; this parser reads it as the integer 0, which a count must be. */
    @Test
    void readsMinusZeroWrittenAsAnIntegerAsZero() {
        assertThat(parse("-0")).isTrue();
        assertThat(result.isLong()).isTrue();
        assertThat(result.asLong()).isZero();
        assertThat(Double.doubleToRawLongBits(result.value())).isZero();
    }

    /** Go would also return ErrRange; the value is the one it returns with it. */
    @Test
    void readsNumbersBeyondTheDoubleRangeAsInfinityOrZero() {
        assertThat(value("1e400")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(value("-1e400")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(value("1e99999999999")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(value("1e-400")).isEqualTo(0.0);
        assertThat(value("1" + "0".repeat(309))).as("10^309 written out").isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(value("4.9e-324")).isEqualTo(Double.MIN_VALUE);
        assertThat(value("1.7976931348623157e308")).isEqualTo(Double.MAX_VALUE);
    }

    @Test
    void readsOnlyItsRangeOfTheBytes() {
        byte[] bytes = "x 12.5 7".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(GoFloatParser.parse(bytes, 2, 6, result)).isTrue();
        assertThat(result.value()).isEqualTo(12.5);
        assertThat(GoFloatParser.parse(bytes, 2, 5, result)).isTrue();
        assertThat(result.value()).isEqualTo(12.0);
        assertThat(GoFloatParser.parse(bytes, 2, 2, result)).isFalse();
    }

    @Test
    void aRefusedNumberLeavesNoIntegerBehind() {
        assertThat(parse("12")).isTrue();
        assertThat(result.isLong()).isTrue();
        assertThat(parse("1_2")).isFalse();
        assertThat(result.isLong()).isFalse();
        assertThat(parse("Inf")).isTrue();
        assertThat(result.isLong()).isFalse();
    }

    /** Around both bounds of the exact fast path: 2^53 for the digits, 10^22 for the scale. */
    @Test
    void roundsLikeTheJdkAroundTheFastPathBounds() {
        Random random = new Random(13);
        for (int i = 0; i < 20_000; i++) {
            String digits = Long.toString((random.nextLong() >>> 1) >>> random.nextInt(63));
            int point = random.nextInt(digits.length() + 1);
            String text = (random.nextBoolean() ? "-" : "") + digits.substring(0, point)
                    + (random.nextBoolean() || point == 0 ? "." : "") + digits.substring(point);
            if (random.nextBoolean()) {
                text += (random.nextBoolean() ? "e" : "E") + (random.nextInt(70) - 35);
            }
            if (!DECIMAL.matcher(text).matches()) {
                continue;
            }
            assertThat(value(text)).as(text).isEqualTo(Double.parseDouble(text));
        }
        for (String text : new String[] {"9007199254740991e22", "9007199254740992e22", "9007199254740993e0",
            "1e22", "1e23", "1e-22", "1e-23", "0.1e+22", "123456789012345678e-22", "17.0000000000000001",
            "2.2250738585072014e-308", "2.2250738585072011e-308", "0.000000000000000000000000001"}) {
            assertThat(value(text)).as(text).isEqualTo(Double.parseDouble(text));
        }
    }

    /**
     * Random strings over the characters that matter: accepted exactly when the stated grammar matches,
     * and then the JDK's double and, for an integer of at most 18 significant digits, its exact long.
     */
    @Test
    void acceptsExactlyTheStatedGrammar() {
        char[] alphabet = "0123456789..eE+-_xpnaifNIty ".toCharArray();
        Random random = new Random(42);
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            char[] chars = new char[random.nextInt(9)];
            for (int c = 0; c < chars.length; c++) {
                chars[c] = alphabet[random.nextInt(alphabet.length)];
            }
            String text = new String(chars);
            boolean decimal = DECIMAL.matcher(text).matches();
            boolean special = SPECIAL.matcher(text).matches();
            assertThat(parse(text)).as("\"%s\"", text).isEqualTo(decimal || special);
            if (decimal) {
                accepted++;
                assertThat(result.value()).as(text).isEqualTo(Double.parseDouble(text));
                var integer = INTEGER.matcher(text);
                boolean isLong = integer.matches() && integer.group(1).length() <= 18;
                assertThat(result.isLong()).as(text).isEqualTo(isLong);
                if (isLong) {
                    assertThat(result.asLong()).as(text).isEqualTo(Long.parseLong(text));
                }
            }
        }
        assertThat(accepted).as("decimals among the random strings").isGreaterThan(10_000);
    }
}
