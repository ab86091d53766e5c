package dev.concierge.courier.sources.fetch;

import dev.concierge.courier.core.spi.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Objects;

/**
 * How a scrape logs in: the {@code Authorization} header it sends, in the shapes of Prometheus's scrape config.
 * A secret is written inline ({@link Secret}, masked in every echo) or read from a file on every scrape, so a
 * rotated token or password is sent from the next scrape on without a reload. Immutable.
 */
public sealed interface HttpCredentials permits HttpCredentials.Basic, HttpCredentials.Authorization {

    /**
     * The value of the {@code Authorization} header, reading the file when the secret is in one. Reveals the
     * secret: only the request builder calls it.
     *
     * @throws IOException naming the key and file, when the file cannot be read
     */
    Revealed reveal() throws IOException;

    /** The header value and the secret it was made from, both to be masked in whatever comes back. */
    record Revealed(String header, String secret, String encoded) {
    }

    /**
     * {@code basic_auth: {username, password | password_file}}: RFC 7617 {@code Basic base64(user ":" password)},
     * UTF-8; a password file's trailing newline is not part of the password (as Prometheus trims it).
     */
    record Basic(String username, Secret password, Path passwordFile) implements HttpCredentials {
        public Basic {
            Objects.requireNonNull(username, "username");
            if ((password == null) == (passwordFile == null)) {
                throw new IllegalArgumentException("basic_auth: exactly one of password and password_file");
            }
        }

        @Override
        public Revealed reveal() throws IOException {
            String secret = password != null ? password.reveal() : read("basic_auth.password_file", passwordFile);
            String encoded = Base64.getEncoder().encodeToString((username + ':' + secret).getBytes(StandardCharsets.UTF_8));
            return new Revealed("Basic " + encoded, secret, encoded);
        }

        @Override
        public String toString() {
            return "basic_auth as " + username + (passwordFile != null ? " (password_file " + passwordFile + ")" : "");
        }
    }

    /**
     * {@code authorization: {type, credentials | credentials_file}}: {@code <type> <credentials>}, type
     * {@value #DEFAULT_TYPE} unless written; the file is read whole, trimmed of surrounding white space.
     */
    record Authorization(String type, Secret credentials, Path credentialsFile) implements HttpCredentials {
        public static final String DEFAULT_TYPE = "Bearer";

        public Authorization {
            type = type == null ? DEFAULT_TYPE : type;
            if ((credentials == null) == (credentialsFile == null)) {
                throw new IllegalArgumentException("authorization: exactly one of credentials and credentials_file");
            }
        }

        @Override
        public Revealed reveal() throws IOException {
            String secret = credentials != null ? credentials.reveal()
                    : read("authorization.credentials_file", credentialsFile);
            return new Revealed(type + " " + secret, secret, null);
        }

        @Override
        public String toString() {
            return "authorization " + type + (credentialsFile != null ? " (credentials_file " + credentialsFile + ")" : "");
        }
    }

    private static String read(String key, Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            throw new IOException(key + " " + file + ": no such file", e);
        } catch (IOException e) {
            throw new IOException(key + " " + file + ": " + e.getMessage(), e);
        }
    }
}
