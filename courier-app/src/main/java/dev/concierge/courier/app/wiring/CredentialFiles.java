package dev.concierge.courier.app.wiring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * What a plugin's certificate, key and trust store files held when the configuration was loaded, as a digest.
 * It is part of the settings a reload compares, so a renewed certificate restarts its sink (which reads the
 * files again) while a sink whose files did not change keeps running. The files' text never leaves this
 * class; only the digest is kept.
 *
 * @param files  the files, in the order given; nulls dropped
 * @param sha256 SHA-256 over every file's length and bytes in that order; a file that cannot be read counts
 *               as its path plus the reason, so it compares unequal to any readable content
 */
public record CredentialFiles(List<Path> files, String sha256) {

    /** Reads the files now. Nulls are skipped, so optional files can be passed as they are. */
    public static CredentialFiles of(Path... files) {
        return of(Arrays.asList(files));
    }

    /** As {@link #of(Path...)}. */
    public static CredentialFiles of(List<Path> files) {
        List<Path> present = files.stream().filter(Objects::nonNull).toList();
        MessageDigest digest = newDigest();
        for (Path file : present) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException | RuntimeException e) {
                bytes = ("unreadable " + file + ": " + e).getBytes(StandardCharsets.UTF_8);
            }
            digest.update(Long.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
            digest.update((byte) ':');
            digest.update(bytes);
        }
        return new CredentialFiles(present, HexFormat.of().formatHex(digest.digest()));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
