package dev.concierge.courier.app.send;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a byte stream into UTF-8 lines at {@code \n} only, as {@code fgets} does: a lone {@code \r} stays
 * in the line (the parser trims it only at the end). The last line may lack its {@code \n}. Not
 * thread-safe; the caller closes the stream.
 */
final class InputLines {
    private final InputStream in;
    private final byte[] buffer = new byte[64 * 1024];
    private int pos;
    private int limit;
    private byte[] line = new byte[256];
    private long bytesRead;
    private boolean eof;

    InputLines(InputStream in) {
        this.in = in;
    }

    /** The next line without its {@code \n}, or null at the end of the input. */
    String next() throws IOException {
        int length = 0;
        while (true) {
            if (pos == limit) {
                if (eof || !fill()) {
                    return length > 0 ? new String(line, 0, length, StandardCharsets.UTF_8) : null;
                }
            }
            int start = pos;
            while (pos < limit && buffer[pos] != '\n') {
                pos++;
            }
            int n = pos - start;
            if (length + n > line.length) {
                line = Arrays.copyOf(line, Math.max(line.length * 2, length + n));
            }
            System.arraycopy(buffer, start, line, length, n);
            length += n;
            if (pos < limit) {
                pos++; // the '\n'
                return new String(line, 0, length, StandardCharsets.UTF_8);
            }
        }
    }

    /** Bytes consumed from the stream so far. */
    long bytesRead() {
        return bytesRead;
    }

    private boolean fill() throws IOException {
        int n = in.read(buffer);
        if (n <= 0) {
            eof = true;
            return false;
        }
        pos = 0;
        limit = n;
        bytesRead += n;
        return true;
    }
}
