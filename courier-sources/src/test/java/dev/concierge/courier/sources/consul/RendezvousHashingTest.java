package dev.concierge.courier.sources.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RendezvousHashingTest {
    private static final List<String> TEN = IntStream.rangeClosed(1, 10).mapToObj(i -> "courier-" + i).toList();
    private static final List<String> TARGETS = IntStream.range(0, 2000)
            .mapToObj(i -> "web/10.0." + (i / 250) + "." + (i % 250) + ":9100").toList();

    @Test
    void weightsDependOnTheBytesAloneSoEveryCourierComputesTheSame() {
        // Pinned: a change here would make couriers of two versions disagree on every owner.
        assertThat(RendezvousHashing.weight("courier-a", "web/10.0.0.1:9100"))
                .isEqualTo(RendezvousHashing.weight("courier-a", "web/10.0.0.1:9100"))
                .isEqualTo(PINNED_WEIGHT);
        assertThat(RendezvousHashing.weight("ab", "c")).isNotEqualTo(RendezvousHashing.weight("a", "bc"));
    }

    private static final long PINNED_WEIGHT = 4073207580032994929L; // checked with an independent FNV-1a + fmix64

    @Test
    void ownersDoNotDependOnTheOrderMembersAreListedIn() {
        List<String> reversed = new ArrayList<>(TEN);
        java.util.Collections.reverse(reversed);
        for (String target : TARGETS.subList(0, 100)) {
            assertThat(RendezvousHashing.owners(reversed, target, 2)).isEqualTo(RendezvousHashing.owners(TEN, target, 2));
        }
    }

    @Test
    void replicasAreDistinctMembersAndTheFirstIsTheSingleOwner() {
        for (String target : TARGETS.subList(0, 100)) {
            List<String> three = RendezvousHashing.owners(TEN, target, 3);
            assertThat(three).hasSize(3).doesNotHaveDuplicates();
            assertThat(three.get(0)).isEqualTo(RendezvousHashing.owners(TEN, target, 1).get(0));
            assertThat(three.subList(0, 2)).isEqualTo(RendezvousHashing.owners(TEN, target, 2));
        }
    }

    @Test
    void moreReplicasThanMembersMakesEveryMemberAnOwnerAndNoMembersNone() {
        assertThat(RendezvousHashing.owners(List.of("a", "b"), "t", 3)).containsExactlyInAnyOrder("a", "b");
        assertThat(RendezvousHashing.owners(List.of(), "t", 1)).isEmpty();
        assertThatThrownBy(() -> RendezvousHashing.owners(TEN, "t", 0))
                .hasMessage("replicas: 0 (expected: >= 1)");
    }

    @Test
    void aMemberLeavingMovesOnlyTheTargetsItOwned() {
        List<String> nine = TEN.stream().filter(m -> !m.equals("courier-3")).toList();
        Map<String, Integer> receivedBy = new HashMap<>();
        int moved = 0;
        for (String target : TARGETS) {
            String before = RendezvousHashing.owners(TEN, target, 1).get(0);
            String after = RendezvousHashing.owners(nine, target, 1).get(0);
            if (!before.equals(after)) {
                assertThat(before).isEqualTo("courier-3");
                receivedBy.merge(after, 1, Integer::sum);
                moved++;
            } else {
                assertThat(before).isNotEqualTo("courier-3");
            }
        }
        // About a tenth moves, spread over the nine that stay rather than all to one neighbour.
        assertThat(moved).isBetween(140, 260);
        assertThat(receivedBy).hasSize(9);
    }

    @Test
    void aMemberJoiningTakesOnlyTheTargetsItNowOwns() {
        List<String> eleven = new ArrayList<>(TEN);
        eleven.add("courier-11");
        int moved = 0;
        for (String target : TARGETS) {
            List<String> before = RendezvousHashing.owners(TEN, target, 2);
            List<String> after = RendezvousHashing.owners(eleven, target, 2);
            if (!before.equals(after)) {
                assertThat(after).contains("courier-11");
                // The newcomer displaces exactly one of the two owners; the other stays.
                assertThat(after.stream().filter(before::contains)).hasSize(1);
                moved++;
            }
        }
        // With 2 replicas of 11, the newcomer holds about 2/11 of the targets.
        assertThat(moved).isBetween(280, 450);
    }
}
