package dev.concierge.courier.core.spi;

import dev.concierge.courier.core.model.Sample;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * An optional ability of a {@link Source}: it tells what it found as Zabbix low-level discovery rows. The
 * courier asks every source instance whether it has this ability; one that has not contributes no rows, and
 * {@code courier discover} says so for it. Nothing else is needed for a source type's entities to reach
 * {@code courier discover} and the discovery snapshots {@code courier run} keeps.
 *
 * <p>The rows list what the source knows to exist, which can be more than its samples: a Dropwizard gauge
 * whose value failed, a NaN series. {@link #lldRows()} gives them as the plugin sees them, unfiltered;
 * {@link #lldRows(UnaryOperator)} as the source's processing rules leave them, which is what the courier
 * sends, so the items an operator creates from the rows match the values. Filters are predicates on
 * {@link LldRow}.
 */
public interface LldDiscoverable {

    /**
     * What the source found at its latest collect that returned normally (or, for a source whose view is
     * kept by threads of its own, such as Consul's watches, as of now).
     *
     * <p>Threading: may be called from any thread, also while {@link Source#collect} runs on the scheduler
     * thread. Returns one immutable value built from one complete collect or answer, never a mix of two;
     * implementations publish the state they build it from safely (a volatile reference to immutable data).
     * It may build the rows on every call (sorting every series), so call it once per collect, not per
     * sample. Never blocks on I/O.
     *
     * @return empty while the source has found nothing yet: before its first collect that returned normally
     *         (a collect that threw leaves the previous value as it was). A source with its own view may
     *         answer earlier, marking the groups it has no answer for as not current.
     */
    Optional<LldRows> lldRows();

    /**
     * The rows as {@link #lldRows()} gives them, made from the samples as {@code processing} leaves them: a
     * sample it renames gives a row under its new name and labels, one it drops (returns null for) gives no
     * row. The courier passes the source's processing rules here (applied without counting their drops, which
     * the pipeline counted already), so the rows name what the courier sends.
     *
     * <p>Threading and the meaning of empty as {@link #lldRows()}. {@code processing} is applied on the calling
     * thread; it never throws, and returns null for a sample it drops. Given {@link UnaryOperator#identity()},
     * the rows equal {@link #lldRows()}'s.
     *
     * <p>This default ignores {@code processing} and answers {@link #lldRows()}: it is for sources whose rows
     * are not about samples, such as Consul's services (a row per passing instance, whatever metrics it has).
     * A source whose rows are made from its series or metric names overrides it.
     */
    default Optional<LldRows> lldRows(UnaryOperator<Sample> processing) {
        return lldRows();
    }
}
