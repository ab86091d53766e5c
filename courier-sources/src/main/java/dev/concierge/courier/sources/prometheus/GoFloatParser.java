package dev.concierge.courier.sources.prometheus;

import java.nio.charset.StandardCharsets;

/**
 * Reads a number as the exposition formats write one: the decimal syntax of Go's
 * {@code strconv.ParseFloat}, which Prometheus's own parser calls, straight from bytes.
 *
 * <p>Accepted, and nothing else: {@code [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?}; and,
 * in any case, {@code nan} unsigned and {@code inf} or {@code infinity} with or without a sign. Refused:
 * nothing at all, underscores and hex floats (Go's ParseFloat takes them, but Prometheus's parser refuses
 * any value holding {@code p}, {@code P} or {@code _} first), Java's {@code d}/{@code f} suffixes, blanks.
 *
 * <p>The result is the correctly rounded double; a literal beyond the double range reads as an infinity
 * and one below it as zero (Go would also return an error there). A plain integer literal ({@code [+-]?
 * digits}) of at most 18 significant digits is also kept as an exact {@code long}; {@code -0} then reads
 * as {@code 0} and {@code +0.0}.
 *
 * <p>Stateless and thread-safe; the result goes into a {@link ParsedNumber} the caller owns, so the common
 * case allocates nothing (a number of more than 18 significant digits, or outside the exact fast path, costs
 * one String for {@link Double#parseDouble}).
 */
final class GoFloatParser {
    private static final double[] POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
        1e19, 1e20, 1e21, 1e22};
    private static final long TWO_TO_53 = 1L << 53;

    private GoFloatParser() {
    }

    /**
     * Parses {@code b[start, end)} into {@code into}; false when it is not a number (and {@code into} then
     * holds nothing of use).
     */
    static boolean parse(byte[] b, int start, int end, ParsedNumber into) {
        into.isLong = false;
        if (start >= end) {
            return false;
        }
        int p = start;
        boolean negative = false;
        if (b[p] == '+' || b[p] == '-') {
            negative = b[p] == '-';
            p++;
        }
        if (p < end && (b[p] | 0x20) >= 'a' && (b[p] | 0x20) <= 'z') {
            return parseSpecial(b, start, p, end, negative, into);
        }
        long mantissa = 0;
        int digits = 0;
        int significant = 0;
        int fractionDigits = 0;
        boolean point = false;
        boolean exponent = false;
        boolean exact = true;
        for (; p < end; p++) {
            byte c = b[p];
            if (c >= '0' && c <= '9') {
                digits++;
                if (mantissa == 0 && c == '0') {
                    if (point) {
                        fractionDigits++;
                    }
                    continue;
                }
                if (significant < 18) {
                    mantissa = mantissa * 10 + (c - '0');
                    significant++;
                    if (point) {
                        fractionDigits++;
                    }
                } else {
                    exact = false;
                    if (!point) {
                        // an integer digit beyond 18 significant ones: only the slow path is exact
                        fractionDigits--;
                    }
                }
            } else if (c == '.' && !point) {
                point = true;
            } else if ((c == 'e' || c == 'E') && digits > 0) {
                exponent = true;
                break;
            } else {
                return false;
            }
        }
        if (digits == 0) {
            return false;
        }
        int exponentValue = 0;
        if (exponent) {
            int q = p + 1;
            boolean negativeExponent = q < end && b[q] == '-';
            if (q < end && (b[q] == '+' || b[q] == '-')) {
                q++;
            }
            if (q == end) {
                return false;
            }
            for (; q < end; q++) {
                if (b[q] < '0' || b[q] > '9') {
                    return false;
                }
                if (exponentValue < 10_000) { // far outside the fast path already; no overflow
                    exponentValue = exponentValue * 10 + (b[q] - '0');
                }
            }
            if (negativeExponent) {
                exponentValue = -exponentValue;
            }
        }
        if (!point && !exponent && exact) {
            into.isLong = true;
            into.asLong = negative ? -mantissa : mantissa;
            into.value = into.asLong;
            return true;
        }
        int scale = exponentValue - fractionDigits; // the number is mantissa * 10^scale
        if (exact && mantissa < TWO_TO_53 && scale > -POWERS_OF_TEN.length && scale < POWERS_OF_TEN.length) {
            // Both operands are exact doubles, so one IEEE multiplication or division rounds correctly
            // (Clinger's fast path). Go writes large and small floats with an exponent (1.445737e+06), which
            // was a fifth of the values of the node exporter and went through Double.parseDouble.
            double v = scale >= 0 ? mantissa * POWERS_OF_TEN[scale] : mantissa / POWERS_OF_TEN[-scale];
            into.value = negative ? -v : v;
            return true;
        }
        try {
            // The bytes were checked above to be a decimal literal, which Java reads as Go does.
            into.value = Double.parseDouble(new String(b, start, end - start, StandardCharsets.ISO_8859_1));
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean parseSpecial(byte[] b, int start, int p, int end, boolean negative, ParsedNumber into) {
        boolean signed = p > start;
        if (!signed && equalsIgnoreCase(b, p, end, "nan")) {
            into.value = Double.NaN;
            return true;
        }
        if (equalsIgnoreCase(b, p, end, "inf") || equalsIgnoreCase(b, p, end, "infinity")) {
            into.value = negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            return true;
        }
        return false;
    }

    private static boolean equalsIgnoreCase(byte[] b, int start, int end, String lowerCase) {
        if (end - start != lowerCase.length()) {
            return false;
        }
        for (int i = 0; i < lowerCase.length(); i++) {
            if ((b[start + i] | 0x20) != lowerCase.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
