package dev.concierge.courier.sources.consul;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which discovered targets this courier scrapes when couriers share them: those rendezvous hashing gives it
 * among the passing couriers ({@link RendezvousHashing}), plus, for a while, those it just lost.
 *
 * <ul>
 *   <li>Before the first membership answer it scrapes nothing: it cannot know what the others scrape.</li>
 *   <li>A target that appears, or the first membership answer, assigns targets without a handoff.</li>
 *   <li>When the membership changes, a target this courier now owns and did not is a <em>handoff in</em>: it is
 *       scraped from this collect on. A target it owned and no longer does is a <em>handoff out</em>: it is
 *       still scraped for {@code linger} (one interval plus the settle time, the time Consul takes to tell
 *       every courier), so that the new owner has started before the old one stops: no gap, and an overlap
 *       bounded by {@code linger}.</li>
 *   <li>A stale membership (the agent away) is used as it was last known.</li>
 * </ul>
 *
 * <p>Not thread-safe: {@link #update} runs on the collect thread. The counters and {@link #view()} may be read
 * from any thread.
 */
final class OwnedTargets {
    /** How many handoffs {@link #view()} lists, newest first. */
    static final int RECENT_HANDOFFS = 20;

    /** One target changing hands, as this courier saw it. */
    record Handoff(Instant at, String targetId, boolean in, List<String> from, List<String> to) {
    }

    /** What this courier owns now, for the status document. */
    record View(CourierMembers members, Set<String> owned, Map<String, Instant> releasing, List<Handoff> recent,
                long handoffsIn, long handoffsOut) {
    }

    private static final class State {
        List<String> owners;
        boolean owned;
        Instant releaseAt;

        State(List<String> owners, boolean owned) {
            this.owners = owners;
            this.owned = owned;
        }
    }

    private final String self;
    private final int replicas;
    private final Duration linger;
    private final Map<String, State> states = new HashMap<>();
    private final Deque<Handoff> recent = new ArrayDeque<>();
    private final AtomicLong handoffsIn = new AtomicLong();
    private final AtomicLong handoffsOut = new AtomicLong();
    private Set<String> members;
    private volatile View view;

    /**
     * @param self     this courier's service ID, as the membership lists it
     * @param replicas how many couriers scrape each target
     * @param linger   how long a lost target is still scraped: one interval plus the settle time
     */
    OwnedTargets(String self, int replicas, Duration linger) {
        this.self = self;
        this.replicas = replicas;
        this.linger = linger;
        this.view = new View(null, Set.of(), Map.of(), List.of(), 0, 0);
    }

    /**
     * Brings ownership in line with {@code membership} for the targets discovered now.
     *
     * @param targetIds  every discovered target's id
     * @param membership the latest membership; null before the first answer
     * @return the ids to scrape in this collect: owned ones and lost ones still lingering
     */
    Set<String> update(Set<String> targetIds, CourierMembers membership, Instant now) {
        if (membership == null) {
            view = new View(null, Set.of(), Map.of(), List.of(), handoffsIn.get(), handoffsOut.get());
            return Set.of();
        }
        boolean membershipChanged = !membership.ids().equals(members);
        members = membership.ids();
        states.keySet().retainAll(targetIds);
        Set<String> scrape = new LinkedHashSet<>();
        Map<String, Instant> releasing = new TreeMap<>();
        Set<String> owned = new TreeSet<>();
        for (String id : targetIds) {
            State state = states.get(id);
            if (state == null) {
                List<String> owners = RendezvousHashing.owners(members, id, replicas);
                state = new State(owners, owners.contains(self));
                states.put(id, state);
            } else if (membershipChanged) {
                List<String> owners = RendezvousHashing.owners(members, id, replicas);
                boolean owns = owners.contains(self);
                if (owns && !state.owned) {
                    handoffsIn.incrementAndGet();
                    remember(new Handoff(now, id, true, state.owners, owners));
                    state.releaseAt = null;
                } else if (!owns && state.owned) {
                    handoffsOut.incrementAndGet();
                    remember(new Handoff(now, id, false, state.owners, owners));
                    state.releaseAt = now.plus(linger);
                }
                state.owners = owners;
                state.owned = owns;
            }
            if (state.owned) {
                scrape.add(id);
                owned.add(id);
            } else if (state.releaseAt != null) {
                if (now.isBefore(state.releaseAt)) {
                    scrape.add(id);
                    releasing.put(id, state.releaseAt);
                } else {
                    state.releaseAt = null;
                }
            }
        }
        view = new View(membership, Set.copyOf(owned), Map.copyOf(releasing), List.copyOf(recent), handoffsIn.get(),
                handoffsOut.get());
        return scrape;
    }

    private void remember(Handoff handoff) {
        recent.addFirst(handoff);
        while (recent.size() > RECENT_HANDOFFS) {
            recent.removeLast();
        }
    }

    /** Whether this courier is among the owners of {@code id} under the latest membership (health samples). */
    boolean owns(String id) {
        return members != null && RendezvousHashing.owns(members, self, id, replicas);
    }

    long handoffsIn() {
        return handoffsIn.get();
    }

    long handoffsOut() {
        return handoffsOut.get();
    }

    /** The state after the latest {@link #update}. Any thread. */
    View view() {
        return view;
    }
}
