package dev.concierge.courier.sources.consul;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * 10,000 targets over 50 couriers: the share of targets that change owner when one courier joins or leaves, and
 * the balance (most targets on one courier / mean), for rendezvous hashing and for what Prometheus
 * {@code hashmod} (modulus = number of couriers) does with the same targets. The figures are printed for
 * BENCHMARKS.md and bounded here. Pure arithmetic: no clock, no threads.
 */
class OwnershipSimulationTest {
    private static final int TARGETS = 10_000;
    private static final int COURIERS = 50;
    private static final List<String> TARGET_IDS = IntStream.range(0, TARGETS)
            .mapToObj(i -> "svc-" + (i % 40) + "/10." + (i / 62500) + "." + (i / 250 % 250) + "." + (i % 250) + ":9100")
            .toList();

    /** One ownership rule: owners of a target among the given couriers. */
    private interface Rule extends BiFunction<List<String>, String, List<String>> {
    }

    private static List<String> couriers(int n) {
        return IntStream.range(0, n).mapToObj(i -> "courier-" + i).toList();
    }

    private static Rule rendezvous(int replicas) {
        return (members, target) -> RendezvousHashing.owners(members, target, replicas);
    }

    /**
     * Prometheus {@code hashmod}: MD5 of the source label value, its last 8 bytes as a big-endian unsigned
     * number, modulo the modulus (prometheus/model/relabel/relabel.go); courier i keeps the targets whose
     * remainder is i.
     */
    private static final Rule HASHMOD = (members, target) -> {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(target.getBytes(StandardCharsets.UTF_8));
            long low = ByteBuffer.wrap(md5, 8, 8).getLong();
            return List.of(members.get((int) Long.remainderUnsigned(low, members.size())));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    };

    /** Share of (target, owner) pairs of {@code after} that {@code before} did not have. */
    private static double moved(Rule rule, List<String> before, List<String> after) {
        long changed = 0;
        long total = 0;
        for (String target : TARGET_IDS) {
            List<String> was = rule.apply(before, target);
            for (String owner : rule.apply(after, target)) {
                total++;
                if (!was.contains(owner)) {
                    changed++;
                }
            }
        }
        return (double) changed / total;
    }

    /** Most (target, owner) pairs on one courier divided by the mean. */
    private static double balance(Rule rule, List<String> members) {
        Map<String, Integer> load = new HashMap<>();
        long pairs = 0;
        for (String target : TARGET_IDS) {
            for (String owner : rule.apply(members, target)) {
                load.merge(owner, 1, Integer::sum);
                pairs++;
            }
        }
        double mean = (double) pairs / members.size();
        return load.values().stream().mapToInt(Integer::intValue).max().orElse(0) / mean;
    }

    @Test
    void rendezvousMovesAboutOneNthOfTheTargetsPerChangeWhereHashmodMovesAlmostAll() {
        List<String> fifty = couriers(COURIERS);
        List<String> fiftyOne = couriers(COURIERS + 1);
        List<String> fortyNine = new ArrayList<>(fifty);
        fortyNine.remove("courier-17");
        List<String> lines = new ArrayList<>();
        lines.add("| rule | moved when 1 joins (50->51) | moved when 1 leaves (50->49) | balance max/mean (50) |");
        lines.add("|---|---|---|---|");
        for (Object[] row : new Object[][] {{"rendezvous, replicas 1", rendezvous(1)},
                {"rendezvous, replicas 2", rendezvous(2)}, {"Prometheus hashmod (modulus = couriers)", HASHMOD}}) {
            Rule rule = (Rule) row[1];
            double join = moved(rule, fifty, fiftyOne);
            double leave = moved(rule, fifty, fortyNine);
            double balance = balance(rule, fifty);
            lines.add(String.format(java.util.Locale.ROOT, "| %s | %.2f %% | %.2f %% | %.3f |", row[0], join * 100,
                    leave * 100, balance));
            if (rule == HASHMOD) {
                // Every courier's modulus changes: nearly everything lands elsewhere.
                assertThat(join).isGreaterThan(0.9);
                assertThat(leave).isGreaterThan(0.9);
            } else {
                // The ideal is 1/51 = 1.96 % on a join and 1/50 = 2 % on a leave.
                assertThat(join).isBetween(0.015, 0.025);
                assertThat(leave).isBetween(0.015, 0.025);
                assertThat(balance).isLessThan(1.35);
            }
        }
        System.out.println(String.join(System.lineSeparator(), lines));
    }
}
