package dev.concierge.courier.sources.fetch;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte counts as configuration and error messages write them: {@code 16MiB}, {@code 512KiB}, {@code 1GiB},
 * {@code 100B}. Only binary (IEC) multiples are accepted, so {@code 16MiB} always means 16 x 2^20 bytes.
 */
public final class ByteSize {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*(B|KiB|MiB|GiB)");
    private static final long KIB = 1L << 10;
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    private ByteSize() {
    }

    /**
     * Parses {@code <digits><unit>} with unit {@code B}, {@code KiB}, {@code MiB} or {@code GiB}.
     *
     * @throws IllegalArgumentException naming what was found and what is allowed
     */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" (expected: a size such as 512KiB, 16MiB, 1GiB or 100B)");
        }
        long multiplier = switch (m.group(2)) {
            case "KiB" -> KIB;
            case "MiB" -> MIB;
            case "GiB" -> GIB;
            default -> 1;
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("\"" + text + "\" (expected: a size below 2^63 bytes)", e);
        }
    }

    /** The largest whole binary unit: {@code 16MiB}, {@code 1536KiB}, {@code 1000B}. */
    public static String format(long bytes) {
        if (bytes != 0 && bytes % GIB == 0) {
            return bytes / GIB + "GiB";
        }
        if (bytes != 0 && bytes % MIB == 0) {
            return bytes / MIB + "MiB";
        }
        if (bytes != 0 && bytes % KIB == 0) {
            return bytes / KIB + "KiB";
        }
        return bytes + "B";
    }
}
