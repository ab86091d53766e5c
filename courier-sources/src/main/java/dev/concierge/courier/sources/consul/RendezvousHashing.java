package dev.concierge.courier.sources.consul;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Rendezvous (highest random weight) hashing: every member gives every target a weight computed from the two
 * ids alone, and the {@code replicas} members with the highest weights own it. Nothing is shared between
 * couriers but the list of members: each computes the same owners on its own, and when a member comes or goes
 * only the targets it owned, or comes to own, change hands (Thaler and Ravishankar, "Using name-based
 * mappings to increase hit rates", 1998).
 *
 * <p>The weight is 64-bit FNV-1a over the UTF-8 bytes of the member id, a separator byte that UTF-8 never
 * produces ({@code 0xff}, so {@code ("ab","c")} and {@code ("a","bc")} differ), and the target id, finished
 * with MurmurHash3's {@code fmix64} so that ids differing in one character spread over the whole range. It
 * depends on nothing but the bytes: couriers on different JVMs, versions and machines agree. Ties (never seen
 * in practice) go to the member id that sorts first.
 *
 * <p>Pure and thread-safe.
 */
final class RendezvousHashing {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final int SEPARATOR = 0xff;

    private RendezvousHashing() {
    }

    /** The weight {@code member} gives {@code targetId}, compared as an unsigned number. */
    static long weight(String member, String targetId) {
        long h = FNV_OFFSET;
        for (byte b : member.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * FNV_PRIME;
        }
        h = (h ^ SEPARATOR) * FNV_PRIME;
        for (byte b : targetId.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * FNV_PRIME;
        }
        return fmix64(h);
    }

    /**
     * The owners of {@code targetId} among {@code members}, highest weight first: the first
     * {@code min(replicas, members.size())} members. Empty when there are no members.
     *
     * @throws IllegalArgumentException when {@code replicas < 1}
     */
    static List<String> owners(Collection<String> members, String targetId, int replicas) {
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas: " + replicas + " (expected: >= 1)");
        }
        int k = Math.min(replicas, members.size());
        if (k == 0) {
            return List.of();
        }
        List<Ranked> ranked = new ArrayList<>(members.size());
        for (String member : members) {
            ranked.add(new Ranked(member, weight(member, targetId)));
        }
        ranked.sort(Ranked.ORDER);
        List<String> owners = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            owners.add(ranked.get(i).member);
        }
        return List.copyOf(owners);
    }

    /** Whether {@code member} is among the owners of {@code targetId}. */
    static boolean owns(Collection<String> members, String member, String targetId, int replicas) {
        return owners(members, targetId, replicas).contains(member);
    }

    private record Ranked(String member, long weight) {
        static final Comparator<Ranked> ORDER = (a, b) -> {
            int byWeight = Long.compareUnsigned(b.weight, a.weight);
            return byWeight != 0 ? byWeight : a.member.compareTo(b.member);
        };
    }

    // MurmurHash3 fmix64 (Austin Appleby, public domain): every input bit affects every output bit.
    private static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
