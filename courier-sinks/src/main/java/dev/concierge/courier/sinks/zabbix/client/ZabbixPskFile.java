package dev.concierge.courier.sinks.zabbix.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HexFormat;
import java.util.Set;

/**
 * A TLS-PSK key file, read as Zabbix reads {@code TLSPSKFile}: one line of hex digits (32 to 512, an even
 * count: a key of 16 to 256 bytes), a line end after it allowed. A problem never quotes the file's content,
 * and a file that others may read is refused: the key is as good as a password.
 */
final class ZabbixPskFile {
    /** Zabbix's {@code HOST_TLS_PSK_LEN_MIN} and {@code HOST_TLS_PSK_LEN_MAX}, in hex digits. */
    static final int MIN_HEX_DIGITS = 32;
    static final int MAX_HEX_DIGITS = 512;

    /** What a problem says the file should be. */
    static final String EXPECTED = "a file only its owner can read, holding the key as " + MIN_HEX_DIGITS + " to "
            + MAX_HEX_DIGITS + " hex digits on one line";

    private ZabbixPskFile() {
    }

    /**
     * The key's bytes.
     *
     * @throws IOException for an unreadable file, one others may read, or content that is not such a key; the
     *                     message says which, without the content
     */
    static byte[] read(Path file) throws IOException {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.OTHERS_READ)) {
                throw new IOException("readable by others (chmod o-r, or 600)");
            }
        } catch (UnsupportedOperationException notPosix) {
            // No POSIX permissions on this file system: nothing to check.
        }
        byte[] raw = Files.readAllBytes(file);
        String text = new String(raw, StandardCharsets.US_ASCII);
        java.util.Arrays.fill(raw, (byte) 0);
        // Zabbix reads the first line and drops its line end.
        int end = text.indexOf('\n');
        String line = (end < 0 ? text : text.substring(0, end)).replace("\r", "");
        if (line.isEmpty()) {
            throw new IOException("empty");
        }
        for (int i = 0; i < line.length(); i++) {
            if (Character.digit(line.charAt(i), 16) < 0) {
                throw new IOException("not hex digits (character " + (i + 1) + " of the first line)");
            }
        }
        if (line.length() < MIN_HEX_DIGITS || line.length() > MAX_HEX_DIGITS || line.length() % 2 != 0) {
            throw new IOException(line.length() + " hex digits (expected: an even count from " + MIN_HEX_DIGITS
                    + " to " + MAX_HEX_DIGITS + ")");
        }
        return HexFormat.of().parseHex(line);
    }
}
