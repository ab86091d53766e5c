package dev.concierge.courier.sinks.zabbix.client;

import java.nio.charset.StandardCharsets;

/**
 * The chars of a JSON string's contents as UTF-8 bytes, byte for byte as Jackson's {@code JsonGenerator} writes
 * them with its defaults: {@code "} and {@code \} escaped, {@code \b \t \n \f \r} as such, other controls as
 * {@code \}{@code u00XX} (upper-case hex), UTF-16 surrogates as {@code \}{@code uXXXX} each, everything else as
 * UTF-8. One place for the rule, shared by the Zabbix key writer and the {@code sender data} writer, which
 * write straight into byte arrays and so cannot use Jackson's.
 */
public final class JsonStringBytes {
    /** The most bytes {@link #write} writes for one char: a {@code \}{@code uXXXX} escape. */
    public static final int MAX_BYTES_PER_CHAR = 6;

    // For each ASCII char: 0 = written as is, -1 = a six-byte unicode escape, else the letter after the backslash.
    private static final byte[] ESCAPES = new byte[128];
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = -1;
        }
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\n'] = 'n';
        ESCAPES['\f'] = 'f';
        ESCAPES['\r'] = 'r';
    }

    private JsonStringBytes() {
    }

    /** True for ASCII that needs no escape: written as its one byte, as nearly every char of a key is. */
    public static boolean plain(char c) {
        return c < 0x80 && ESCAPES[c] == 0;
    }

    /** Writes {@code c} at {@code p}, which has room for {@link #MAX_BYTES_PER_CHAR}; returns the new position. */
    public static int write(char c, byte[] b, int p) {
        if (c < 0x80) {
            byte escape = ESCAPES[c];
            if (escape == 0) {
                b[p++] = (byte) c;
                return p;
            }
            if (escape > 0) {
                b[p++] = '\\';
                b[p++] = escape;
                return p;
            }
            return unicodeEscape(b, p, c);
        }
        if (c < 0x800) {
            b[p++] = (byte) (0xC0 | (c >> 6));
            b[p++] = (byte) (0x80 | (c & 0x3F));
            return p;
        }
        if (Character.isSurrogate(c)) {
            return unicodeEscape(b, p, c);
        }
        b[p++] = (byte) (0xE0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (c & 0x3F));
        return p;
    }

    private static int unicodeEscape(byte[] b, int p, char c) {
        b[p++] = '\\';
        b[p++] = 'u';
        b[p++] = HEX[(c >> 12) & 0xF];
        b[p++] = HEX[(c >> 8) & 0xF];
        b[p++] = HEX[(c >> 4) & 0xF];
        b[p++] = HEX[c & 0xF];
        return p;
    }
}
