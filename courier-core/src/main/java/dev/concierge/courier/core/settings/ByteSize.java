package dev.concierge.courier.core.settings;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of bytes, written in configuration with a unit: {@code 100B}, {@code 512KiB}, {@code 64MiB},
 * {@code 1GiB}, {@code 16MB}.
 *
 * <p>Units follow IEC 80000-13: {@code KB}, {@code MB}, {@code GB}, {@code TB} are SI, powers of 1000
 * ({@code 16MB} = 16,000,000 bytes); {@code KiB}, {@code MiB}, {@code GiB}, {@code TiB} are binary, powers of
 * 1024 ({@code 64MiB} = 67,108,864 bytes). The prefix letters may be in either case ({@code 16kB},
 * {@code 64MIB}), but the final {@code B} must be upper case, because a lower-case {@code b} means bits. The
 * number is whole and written without a space. A bare number is refused so that nobody has to guess the
 * unit; JVM-style {@code 64m} is refused for the same reason. Command line options take the same forms.
 *
 * @param bytes zero or more
 */
public record ByteSize(long bytes) {
    public static final String EXPECTED = "a size with a unit such as 64MiB, 16MB, 512KiB or 100B";

    private static final Pattern FORM = Pattern.compile("([0-9]{1,19})([KkMmGgTt][Ii]?)?B");
    private static final String[] UNITS = {"TiB", "TB", "GiB", "GB", "MiB", "MB", "KiB", "KB"};

    public ByteSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes: " + bytes + " (expected: 0 or more)");
        }
    }

    public static ByteSize ofBytes(long bytes) {
        return new ByteSize(bytes);
    }

    /**
     * Parses {@code 64MiB} and the like.
     *
     * @throws IllegalArgumentException if the text has no unit, an unknown unit, or overflows a long
     */
    public static ByteSize parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new InvalidValueException(text, EXPECTED);
        }
        try {
            long amount = Long.parseLong(m.group(1));
            return new ByteSize(Math.multiplyExact(amount, multiplier(m.group(2))));
        } catch (ArithmeticException | NumberFormatException e) {
            throw new InvalidValueException(text, "a size of at most " + Long.MAX_VALUE + " bytes");
        }
    }

    private static long multiplier(String prefix) {
        if (prefix == null) {
            return 1;
        }
        long base = prefix.length() == 2 ? 1024 : 1000;
        int power = "KMGT".indexOf(Character.toUpperCase(prefix.charAt(0))) + 1;
        long multiplier = 1;
        for (int i = 0; i < power; i++) {
            multiplier *= base;
        }
        return multiplier;
    }

    /** {@code bytes} in its shortest exact form, as {@link #toString()} writes it: for messages and summaries. */
    public static String format(long bytes) {
        return new ByteSize(bytes).toString();
    }

    /** The shortest exact form: {@code 64MiB}, {@code 16MB}, {@code 100B}. */
    @Override
    public String toString() {
        String best = bytes + "B";
        long bestAmount = bytes;
        for (String unit : UNITS) {
            long multiplier = multiplier(unit.substring(0, unit.length() - 1));
            if (bytes != 0 && bytes % multiplier == 0 && bytes / multiplier < bestAmount) {
                bestAmount = bytes / multiplier;
                best = bestAmount + unit;
            }
        }
        return best;
    }
}
