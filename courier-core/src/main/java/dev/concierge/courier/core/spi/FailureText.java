package dev.concierge.courier.core.spi;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A failure in the words an operator reads: {@code connection refused: /127.0.0.1:10051}, not
 * {@code AbstractChannel$AnnotatedConnectException: Connection refused: /127.0.0.1:10051}. Exception class
 * names are a Java reader's vocabulary; they reach no log line, status page or ledger detail.
 *
 * <p>One wording for every plugin and the runner: sinks and sources describe the {@link Throwable}s they
 * catch with {@link #of(Throwable)}, and the runner passes every detail it logs or shows through
 * {@link #plain(String)}, which rewrites any class name a plugin still let through. A class not known here
 * is said by its name in words ({@code SocketTimeoutException} becomes {@code socket timeout}).
 */
public final class FailureText {
    // By simple class name; the message, when it adds something, follows after ": ".
    private static final Map<String, String> KNOWN = Map.ofEntries(
            Map.entry("AnnotatedConnectException", "connection refused"),
            Map.entry("ConnectException", "connection refused"),
            Map.entry("AnnotatedSocketException", "connection failed"),
            Map.entry("ConnectTimeoutException", "connect timed out"),
            Map.entry("AnnotatedConnectTimeoutException", "connect timed out"),
            Map.entry("HttpConnectTimeoutException", "connect timed out"),
            Map.entry("SocketTimeoutException", "timed out"),
            Map.entry("HttpTimeoutException", "timed out"),
            Map.entry("ReadTimeoutException", "read timed out"),
            Map.entry("WriteTimeoutException", "write timed out"),
            Map.entry("UnknownHostException", "unknown host"),
            Map.entry("NoRouteToHostException", "no route to host"),
            Map.entry("PortUnreachableException", "port unreachable"),
            Map.entry("ClosedChannelException", "connection closed"),
            Map.entry("StacklessClosedChannelException", "connection closed"),
            Map.entry("EOFException", "unexpected end of data"),
            Map.entry("NoSuchFileException", "no such file"),
            Map.entry("FileNotFoundException", "no such file"),
            Map.entry("AccessDeniedException", "permission denied"),
            Map.entry("NotDirectoryException", "not a directory"),
            Map.entry("DirectoryNotEmptyException", "directory not empty"),
            Map.entry("FileAlreadyExistsException", "file already exists"),
            Map.entry("FileSystemException", "file system error"),
            Map.entry("SSLHandshakeException", "TLS handshake failed"),
            Map.entry("SSLException", "TLS error"),
            Map.entry("SunCertPathBuilderException", "no trusted certificate path"),
            Map.entry("CertPathValidatorException", "certificate not valid"),
            Map.entry("CertificateException", "certificate error"),
            Map.entry("IOException", "I/O error"),
            Map.entry("UncheckedIOException", "I/O error"),
            Map.entry("OutOfMemoryError", "out of memory"),
            Map.entry("TimeoutException", "timed out"));

    // An optional package, an optional outer class ("AbstractChannel$"), then a name ending in Exception or
    // Error, and the ": " that joins it to its message.
    private static final Pattern CLASS_NAME = Pattern.compile(
            "\\b(?:[a-z_][a-z0-9_]*\\.)*(?:[A-Z][A-Za-z0-9_]*\\$)*([A-Z][A-Za-z0-9_]*(?:Exception|Error))\\b(: )?");
    private static final Pattern WORD = Pattern.compile("(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])");

    private FailureText() {
    }

    /** {@code failure} in plain words, with its message: {@code no such file: /var/lib/app/metrics.json}. */
    public static String of(Throwable failure) {
        Throwable t = failure;
        // Wrappers that say nothing of their own.
        while (t.getCause() != null && t != t.getCause() && isWrapper(t)) {
            t = t.getCause();
        }
        String message = t.getMessage();
        String phrase = phrase(t.getClass().getSimpleName());
        return withMessage(phrase, message == null ? "" : plain(message));
    }

    /**
     * {@code text} with every Java class name of an exception or error in it put in plain words; text without
     * one comes back as it was. Null stays null.
     */
    public static String plain(String text) {
        if (text == null || (!text.contains("Exception") && !text.contains("Error"))) {
            return text;
        }
        Matcher m = CLASS_NAME.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        while (m.find()) {
            out.append(text, at, m.start());
            String phrase = phrase(m.group(1));
            at = m.end();
            if (m.group(2) != null) {
                // The message follows: say the phrase once, even when the message starts with it too.
                String rest = text.substring(at);
                if (rest.regionMatches(true, 0, phrase, 0, phrase.length())) {
                    at += phrase.length();
                    out.append(phrase);
                } else {
                    out.append(phrase).append(": ");
                }
            } else {
                out.append(phrase);
            }
        }
        return out.append(text, at, text.length()).toString();
    }

    private static boolean isWrapper(Throwable t) {
        String name = t.getClass().getSimpleName();
        return (name.equals("CompletionException") || name.equals("ExecutionException")
                || name.equals("UncheckedIOException") || name.equals("DecoderException")
                || name.equals("EncoderException"))
                && (t.getMessage() == null || t.getMessage().equals(String.valueOf(t.getCause())));
    }

    private static String withMessage(String phrase, String message) {
        if (message.isEmpty()) {
            return phrase;
        }
        if (message.regionMatches(true, 0, phrase, 0, phrase.length())) {
            return phrase + message.substring(phrase.length());
        }
        return phrase + ": " + message;
    }

    /** The plain words for a simple class name: a known phrase, or the name split into lower-case words. */
    static String phrase(String simpleName) {
        String known = KNOWN.get(simpleName);
        if (known != null) {
            return known;
        }
        String base = simpleName.replaceFirst("(Exception|Error)$", "");
        String kind = simpleName.endsWith("Error") ? "error" : "failure";
        if (base.isEmpty()) {
            return kind;
        }
        String words = String.join(" ", WORD.split(base)).toLowerCase(Locale.ROOT);
        return words.endsWith(" " + kind) ? words : words + " " + kind;
    }
}
