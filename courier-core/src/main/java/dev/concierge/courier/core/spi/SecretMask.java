package dev.concierge.courier.core.spi;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The configured secrets of one plugin, as text to hide: {@link #apply} replaces every occurrence of each in a
 * text with {@value Secret#MASK}. A peer can echo what it was sent (an error page that shows the request's
 * {@code Authorization} header), so anything a sink or source records from a peer (an outcome's detail, an
 * exception message) goes through the mask of the plugin that talked to it before it reaches a log, the ledger
 * or the status page. Immutable and thread-safe.
 */
public final class SecretMask {
    private static final SecretMask NONE = new SecretMask(List.of());

    /** Longest first, so a secret that contains another is hidden whole. */
    private final List<String> texts;

    private SecretMask(List<String> texts) {
        this.texts = texts;
    }

    /** Hides nothing. */
    public static SecretMask none() {
        return NONE;
    }

    /** Hides each of {@code secrets}; null and empty ones are skipped. */
    public static SecretMask of(Secret... secrets) {
        List<String> texts = new ArrayList<>();
        for (Secret secret : secrets) {
            if (secret != null) {
                texts.add(secret.reveal());
            }
        }
        return ofTexts(texts);
    }

    /**
     * Hides each of {@code texts}, for what a plugin sends that is not a {@link Secret} but must not come back
     * into a record either (an encoded credential, a header value). Null and empty ones are skipped.
     */
    public static SecretMask ofTexts(Collection<String> texts) {
        Set<String> kept = new LinkedHashSet<>();
        for (String text : texts) {
            if (text != null && !text.isEmpty()) {
                kept.add(text);
            }
        }
        if (kept.isEmpty()) {
            return NONE;
        }
        List<String> sorted = new ArrayList<>(kept);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        return new SecretMask(List.copyOf(sorted));
    }

    /** This mask's secrets and {@code other}'s. */
    public SecretMask and(SecretMask other) {
        if (other.texts.isEmpty()) {
            return this;
        }
        if (texts.isEmpty()) {
            return other;
        }
        List<String> both = new ArrayList<>(texts);
        both.addAll(other.texts);
        return ofTexts(both);
    }

    /** {@code text} with every occurrence of every secret replaced by {@value Secret#MASK}; null stays null. */
    public String apply(String text) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (String secret : texts) {
            if (masked.contains(secret)) {
                masked = masked.replace(secret, Secret.MASK);
            }
        }
        return masked;
    }

    /**
     * As {@link #apply(String)}, for a text cut off at its end (the first bytes of a large body): a secret cut
     * in two there leaves its beginning at the end of the text, which this hides too.
     */
    public String applyToCut(String text) {
        String masked = apply(text);
        if (masked == null) {
            return null;
        }
        for (String secret : texts) {
            for (int kept = Math.min(secret.length() - 1, masked.length()); kept > 0; kept--) {
                if (masked.endsWith(secret.substring(0, kept))) {
                    return masked.substring(0, masked.length() - kept) + Secret.MASK;
                }
            }
        }
        return masked;
    }

    /** The outcome with its detail masked; the same instance when nothing in it is secret. */
    public DeliveryOutcome apply(DeliveryOutcome outcome) {
        String detail = outcome.detail();
        String masked = apply(detail);
        if (masked == null || masked.equals(detail)) {
            return outcome;
        }
        if (outcome instanceof DeliveryOutcome.Delivered) {
            return new DeliveryOutcome.Delivered(masked);
        }
        if (outcome instanceof DeliveryOutcome.PartiallyRejected partial) {
            return new DeliveryOutcome.PartiallyRejected(partial.accepted(), partial.rejected(), masked,
                    partial.unsupported());
        }
        if (outcome instanceof DeliveryOutcome.Rejected) {
            return new DeliveryOutcome.Rejected(masked);
        }
        DeliveryOutcome.Retry retry = (DeliveryOutcome.Retry) outcome;
        return new DeliveryOutcome.Retry(masked, retry.retryAfter());
    }

    /** Whether this mask hides nothing. */
    public boolean isEmpty() {
        return texts.isEmpty();
    }

    @Override
    public String toString() {
        return "SecretMask[" + texts.size() + " secrets]";
    }
}
