package dev.concierge.courier.sources.intake;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which clients may connect, with the semantics of Zabbix's {@code Allowed hosts} (server/agent
 * {@code Server=}, item "Allowed hosts"): each entry is an IP address, a CIDR block ({@code 10.0.0.0/8},
 * {@code fd00::/8}) or a DNS name, resolved when a client connects so that a name whose address changes keeps
 * working; an IPv4 client matches an IPv4-mapped IPv6 entry and the other way round. An empty list means
 * loopback only ({@code 127.0.0.0/8}, {@code ::1}): an intake is not reachable from elsewhere unless someone
 * says so.
 *
 * <p>Immutable and thread-safe; {@link #allows} may block on DNS for a name entry.
 */
public final class AllowedPeers {
    // Looser than a host name grammar on purpose: anything else that does not parse as an address is refused.
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_.-]{0,251}[A-Za-z0-9_])?");
    private static final Pattern ADDRESS = Pattern.compile("[0-9A-Fa-f:.]+");

    private sealed interface Entry permits Block, Name {
    }

    private record Block(byte[] network, int prefix) implements Entry {
    }

    private record Name(String name) implements Entry {
    }

    private final List<String> written;
    private final List<Entry> entries;

    private AllowedPeers(List<String> written, List<Entry> entries) {
        this.written = written;
        this.entries = entries;
    }

    /** Loopback clients only. */
    public static AllowedPeers loopbackOnly() {
        return new AllowedPeers(List.of(), List.of());
    }

    /**
     * Parses the entries as configured.
     *
     * @throws IllegalArgumentException naming the first entry that is neither an address, a CIDR block nor a
     *                                  name, as {@code "entry: found (expected: rule)"}
     */
    public static AllowedPeers of(List<String> allowed) {
        List<Entry> entries = new ArrayList<>(allowed.size());
        for (String text : allowed) {
            entries.add(parse(Objects.requireNonNull(text, "entry").trim()));
        }
        return new AllowedPeers(List.copyOf(allowed), List.copyOf(entries));
    }

    /** The problem with one entry, or null when it parses: for configuration binders that report all at once. */
    public static String problem(String entry) {
        try {
            parse(entry.trim());
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static Entry parse(String text) {
        String expected = " (expected: an IP address, a CIDR block such as 10.0.0.0/8, or a DNS name)";
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        if (ADDRESS.matcher(address).matches() && (address.contains(":") || address.chars().filter(c -> c == '.').count() == 3)) {
            byte[] network;
            try {
                // A literal: getByName parses it without a lookup.
                network = InetAddress.getByName(address).getAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("allowed: " + text + expected, e);
            }
            // Java reads an IPv4-mapped IPv6 literal as the IPv4 address; its prefix counts the 96 bits before.
            int mappedBits = address.contains(":") && network.length == 4 ? 96 : 0;
            int bits = mappedBits + network.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bits) {
                    throw new IllegalArgumentException("allowed: " + text + " (expected: a prefix length from 0 to "
                            + bits + ")");
                }
            }
            if (prefix < mappedBits) {
                throw new IllegalArgumentException("allowed: " + text + " (expected: a prefix length from 96 to 128 "
                        + "for an IPv4-mapped block)");
            }
            return new Block(network, prefix - mappedBits);
        }
        if (slash < 0 && NAME.matcher(text).matches()) {
            return new Name(text);
        }
        throw new IllegalArgumentException("allowed: " + text + expected);
    }

    /** Whether {@code client} may connect. */
    public boolean allows(InetAddress client) {
        if (entries.isEmpty()) {
            return client.isLoopbackAddress();
        }
        byte[] address = client.getAddress();
        for (Entry entry : entries) {
            if (entry instanceof Block block) {
                if (matches(block.network(), block.prefix(), address)) {
                    return true;
                }
            } else if (entry instanceof Name name && resolvesTo(name.name(), address)) {
                return true;
            }
        }
        return false;
    }

    private static boolean resolvesTo(String name, byte[] address) {
        try {
            for (InetAddress resolved : InetAddress.getAllByName(name)) {
                byte[] candidate = resolved.getAddress();
                if (matches(candidate, candidate.length * 8, address)) {
                    return true;
                }
            }
        } catch (UnknownHostException e) {
            return false; // a name that does not resolve allows nobody, as in Zabbix
        }
        return false;
    }

    private static boolean matches(byte[] network, int prefix, byte[] address) {
        byte[] net = network;
        int bits = prefix;
        byte[] client = address;
        // IPv4 against an IPv4-mapped IPv6 entry, or the other way round: compare as IPv4.
        if (net.length != client.length) {
            if (net.length == 16 && isMappedIpv4(net)) {
                net = lastFour(net);
                bits = Math.max(0, bits - 96);
            } else if (client.length == 16 && isMappedIpv4(client)) {
                client = lastFour(client);
            } else {
                return false;
            }
            if (net.length != client.length) {
                return false;
            }
        }
        int whole = bits / 8;
        for (int i = 0; i < whole; i++) {
            if (net[i] != client[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xFF << (8 - rest) & 0xFF;
        return (net[whole] & mask) == (client[whole] & mask);
    }

    private static boolean isMappedIpv4(byte[] address) {
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xFF && address[11] == (byte) 0xFF;
    }

    private static byte[] lastFour(byte[] address) {
        return new byte[] {address[12], address[13], address[14], address[15]};
    }

    @Override
    public String toString() {
        return written.isEmpty() ? "loopback only" : String.join(", ", written);
    }
}
