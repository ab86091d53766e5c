package dev.concierge.courier.sources.consul;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class OwnedTargetsTest {
    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
    private static final Duration LINGER = Duration.ofSeconds(15);
    private static final Set<String> TARGETS = IntStream.range(0, 300).mapToObj(i -> "web/10.0.0." + i + ":9100")
            .collect(Collectors.toUnmodifiableSet());

    private static CourierMembers members(Instant at, String... ids) {
        return new CourierMembers(Set.of(ids), true, at, null);
    }

    private static Set<String> ownedBy(String courier, Set<String> couriers, int replicas) {
        return TARGETS.stream().filter(t -> RendezvousHashing.owns(couriers, courier, t, replicas))
                .collect(Collectors.toSet());
    }

    @Test
    void scrapesNothingBeforeTheFirstMembershipAnswer() {
        OwnedTargets a = new OwnedTargets("a", 1, LINGER);

        assertThat(a.update(TARGETS, null, T0)).isEmpty();
        assertThat(a.view().members()).isNull();
    }

    @Test
    void everyTargetIsScrapedByExactlyReplicasCouriers() {
        CourierMembers abc = members(T0, "a", "b", "c");
        for (int replicas : new int[] {1, 2, 3}) {
            Set<String> seen = new HashSet<>();
            int pairs = 0;
            for (String courier : List.of("a", "b", "c")) {
                Set<String> scraped = new OwnedTargets(courier, replicas, LINGER).update(TARGETS, abc, T0);
                seen.addAll(scraped);
                pairs += scraped.size();
            }
            assertThat(seen).isEqualTo(TARGETS);
            assertThat(pairs).isEqualTo(TARGETS.size() * replicas);
        }
    }

    @Test
    void aNewOwnerStartsAtOnceAndTheOldOneStopsAfterTheLinger() {
        OwnedTargets a = new OwnedTargets("a", 1, LINGER);
        OwnedTargets d = new OwnedTargets("d", 1, LINGER);
        a.update(TARGETS, members(T0, "a", "b", "c"), T0);
        Set<String> aBefore = Set.copyOf(a.view().owned());

        // d joins: it takes some of a's targets at once; a keeps them for the linger, then stops.
        Instant joined = T0.plusSeconds(30);
        CourierMembers abcd = members(joined, "a", "b", "c", "d");
        Set<String> dScrapes = d.update(TARGETS, abcd, joined);
        Set<String> aScrapes = a.update(TARGETS, abcd, joined);
        Set<String> moved = aBefore.stream().filter(dScrapes::contains).collect(Collectors.toSet());

        assertThat(moved).isNotEmpty();
        assertThat(aScrapes).containsAll(aBefore);
        assertThat(a.view().releasing().keySet()).isEqualTo(moved);
        assertThat(a.handoffsOut()).isEqualTo(moved.size());
        assertThat(a.view().recent().get(0).to()).containsExactly("d");
        assertThat(a.update(TARGETS, abcd, joined.plus(LINGER).minusMillis(1))).containsAll(moved);
        assertThat(a.update(TARGETS, abcd, joined.plus(LINGER))).doesNotContainAnyElementsOf(moved)
                .isEqualTo(ownedBy("a", abcd.ids(), 1));
        assertThat(a.view().releasing()).isEmpty();
    }

    @Test
    void onlyTheTargetsOfTheCourierThatLeftChangeHands() {
        CourierMembers abcd = members(T0, "a", "b", "c", "d");
        OwnedTargets a = new OwnedTargets("a", 1, LINGER);
        a.update(TARGETS, abcd, T0);
        Set<String> aBefore = Set.copyOf(a.view().owned());

        a.update(TARGETS, members(T0.plusSeconds(30), "a", "b", "c"), T0.plusSeconds(30));

        Set<String> gained = a.view().owned().stream().filter(t -> !aBefore.contains(t)).collect(Collectors.toSet());
        assertThat(a.view().owned()).containsAll(aBefore);
        assertThat(gained).isNotEmpty().isSubsetOf(ownedBy("d", abcd.ids(), 1));
        assertThat(a.handoffsIn()).isEqualTo(gained.size());
        assertThat(a.handoffsOut()).isZero();
        assertThat(a.view().recent().get(0).from()).containsExactly("d");
    }

    @Test
    void aStaleMembershipKeepsTheLastKnownOwnership() {
        OwnedTargets a = new OwnedTargets("a", 1, LINGER);
        CourierMembers ab = members(T0, "a", "b");
        Set<String> before = a.update(TARGETS, ab, T0);

        Set<String> during = a.update(TARGETS, ab.stale(T0.plusSeconds(5)), T0.plusSeconds(60));

        assertThat(during).isEqualTo(before).isNotEmpty().isNotEqualTo(TARGETS);
        assertThat(a.view().members().current()).isFalse();
        assertThat(a.view().members().staleSince()).isEqualTo(T0.plusSeconds(5));
        assertThat(a.handoffsIn() + a.handoffsOut()).isZero();
    }

    @Test
    void aNewTargetIsAssignedWithoutAHandoffAndAGoneOneIsForgotten() {
        OwnedTargets a = new OwnedTargets("a", 1, LINGER);
        CourierMembers only = members(T0, "a");
        a.update(Set.of("x"), only, T0);

        assertThat(a.update(Set.of("x", "y"), only, T0.plusSeconds(1))).containsExactlyInAnyOrder("x", "y");
        assertThat(a.update(Set.of("y"), only, T0.plusSeconds(2))).containsExactly("y");
        assertThat(a.handoffsIn() + a.handoffsOut()).isZero();
    }

    @Test
    void aCourierMissingFromTheMembershipReleasesEverythingAfterTheLinger() {
        OwnedTargets a = new OwnedTargets("a", 1, LINGER);
        a.update(TARGETS, members(T0, "a", "b"), T0);
        int had = a.view().owned().size();

        // a deregistered (it is leaving) or its check failed: b owns everything; a lingers, then stops.
        assertThat(a.update(TARGETS, members(T0.plusSeconds(1), "b"), T0.plusSeconds(1))).hasSize(had);
        assertThat(a.update(TARGETS, members(T0.plusSeconds(1), "b"), T0.plusSeconds(1).plus(LINGER))).isEmpty();
        assertThat(a.handoffsOut()).isEqualTo(had);
    }
}
