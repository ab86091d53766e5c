package dev.concierge.courier.core.model;

/**
 * A sample's value: an exact integer, a floating-point number, or text. Integers stay {@code long} so a
 * counter above 2^53 is not rounded on its way to Zabbix's unsigned items.
 */
public sealed interface SampleValue permits SampleValue.Integer, SampleValue.Decimal, SampleValue.Text {

    /** The value; one shared instance each for 0 to 127. */
    static SampleValue of(long value) {
        return Integer.of(value);
    }

    /** The value; one shared instance each for the whole numbers 0 to 127 (not for -0.0). */
    static SampleValue of(double value) {
        return Decimal.of(value);
    }

    static SampleValue of(String value) {
        return new Text(value);
    }

    /** True for {@link Integer} and {@link Decimal}. */
    boolean isNumeric();

    /**
     * The value as protocols that take text want it: integers in decimal, doubles in their shortest
     * round-trip form with no trailing {@code .0} when integral ({@code 42}, {@code 0.25}, {@code 1.0E20}),
     * text verbatim.
     */
    String render();

    /** An exact integer. */
    record Integer(long value) implements SampleValue {
        // Most of an exporter's values are small whole numbers: more than half of node_exporter's are 0,
        // another tenth 1 (idle counters, flags, info metrics). Shared, they cost no object per sample.
        private static final int SHARED = 128;
        private static final Integer[] SMALL = new Integer[SHARED];
        private static final String[] SMALL_TEXT = new String[SHARED];

        static {
            for (int i = 0; i < SHARED; i++) {
                SMALL[i] = new Integer(i);
                SMALL_TEXT[i] = Long.toString(i);
            }
        }

        static Integer of(long value) {
            return value >= 0 && value < SHARED ? SMALL[(int) value] : new Integer(value);
        }

        @Override
        public boolean isNumeric() {
            return true;
        }

        @Override
        public String render() {
            return text(value);
        }

        static String text(long value) {
            return value >= 0 && value < SHARED ? SMALL_TEXT[(int) value] : Long.toString(value);
        }
    }

    /** A floating-point number; may be non-finite, which sinks that cannot carry it skip and count. */
    record Decimal(double value) implements SampleValue {
        private static final int SHARED = 128;
        private static final Decimal[] SMALL = new Decimal[SHARED];
        private static final long NEGATIVE_ZERO = Double.doubleToRawLongBits(-0.0);

        static {
            for (int i = 0; i < SHARED; i++) {
                SMALL[i] = new Decimal(i);
            }
        }

        // -0.0 is a value of its own (it is not equal to 0.0), so it is never the shared 0.
        static Decimal of(double value) {
            int whole = (int) value;
            return whole == value && whole >= 0 && whole < SHARED && Double.doubleToRawLongBits(value) != NEGATIVE_ZERO
                    ? SMALL[whole] : new Decimal(value);
        }

        @Override
        public boolean isNumeric() {
            return true;
        }

        public boolean isFinite() {
            return Double.isFinite(value);
        }

        /**
         * Whether {@link #render} prints it as an integer: integral values below 2^53 in magnitude print without
         * ".0", because Zabbix unsigned items reject "42.0".
         */
        public boolean rendersAsInteger() {
            return value == Math.rint(value) && Math.abs(value) < 0x1p53;
        }

        @Override
        public String render() {
            if (rendersAsInteger()) {
                return Integer.text((long) value);
            }
            return Double.toString(value);
        }
    }

    /** Text, sent verbatim to sinks that accept text (Zabbix character items); numeric sinks skip it. */
    record Text(String value) implements SampleValue {
        public Text {
            if (value == null) {
                throw new IllegalArgumentException("text value must not be null");
            }
        }

        @Override
        public boolean isNumeric() {
            return false;
        }

        @Override
        public String render() {
            return value;
        }
    }
}
