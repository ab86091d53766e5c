package dev.concierge.courier.sources.consul;

import java.time.Instant;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The couriers sharing the targets, as the latest answer of the courier service's passing instances gave them.
 *
 * @param ids       the service IDs of the passing couriers, sorted
 * @param current   false once a query after this answer failed: the agent is away and this is the last known
 *                  membership, kept (never "own everything", never "own nothing") until it answers again
 * @param changedAt when the list last changed (or was first answered)
 * @param staleSince when the agent stopped answering; null while {@code current}
 */
record CourierMembers(Set<String> ids, boolean current, Instant changedAt, Instant staleSince) {

    CourierMembers {
        ids = Collections.unmodifiableSortedSet(new TreeSet<>(ids));
    }

    /** A fresh answer: the list, and when it changed (now, or as before when it is the same list). */
    CourierMembers answered(Set<String> newIds, Instant now) {
        boolean same = ids.equals(new TreeSet<>(newIds));
        return new CourierMembers(newIds, true, same ? changedAt : now, null);
    }

    /** The same list, marked stale from {@code now} on (or from when it first went stale). */
    CourierMembers stale(Instant now) {
        return current ? new CourierMembers(ids, false, changedAt, now) : this;
    }
}
