package dev.concierge.courier.core.model;

/**
 * A sample's value: an exact integer, a floating-point number, or text. Integers stay {@code long} so a
 * counter above 2^53 is not rounded on its way to Zabbix's unsigned items.
 */
public sealed interface SampleValue permits SampleValue.Integer, SampleValue.Decimal, SampleValue.Text {

    static SampleValue of(long value) {
        return new Integer(value);
    }

    static SampleValue of(double value) {
        return new Decimal(value);
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
        @Override
        public boolean isNumeric() {
            return true;
        }

        @Override
        public String render() {
            return Long.toString(value);
        }
    }

    /** A floating-point number; may be non-finite, which sinks that cannot carry it skip and count. */
    record Decimal(double value) implements SampleValue {
        @Override
        public boolean isNumeric() {
            return true;
        }

        public boolean isFinite() {
            return Double.isFinite(value);
        }

        @Override
        public String render() {
            // Integral values up to 2^53 print without ".0": Zabbix unsigned items reject "42.0".
            if (value == Math.rint(value) && Math.abs(value) < 0x1p53) {
                return Long.toString((long) value);
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
