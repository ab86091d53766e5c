package dev.concierge.courier.sources.consul;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class QueryBudgetTest {
    private static final long PERIOD = TimeUnit.SECONDS.toNanos(5);
    private final AtomicLong now = new AtomicLong(1_000);
    private final QueryBudget budget = new QueryBudget(PERIOD, now::get);

    @Test
    void allowsABurstOfTwoThenOnePerPeriod() {
        assertThat(budget.tryAcquire()).isZero();
        assertThat(budget.tryAcquire()).isZero();
        assertThat(budget.tryAcquire()).isEqualTo(PERIOD);

        now.addAndGet(PERIOD / 2);
        assertThat(budget.tryAcquire()).isEqualTo(PERIOD / 2);

        now.addAndGet(PERIOD / 2);
        assertThat(budget.tryAcquire()).isZero();
        assertThat(budget.tryAcquire()).isPositive();
    }

    @Test
    void refillsNoMoreThanTheBurst() {
        budget.tryAcquire();
        budget.tryAcquire();
        now.addAndGet(10 * PERIOD);

        assertThat(budget.tryAcquire()).isZero();
        assertThat(budget.tryAcquire()).isZero();
        assertThat(budget.tryAcquire()).isPositive();
    }

    @Test
    void stopsWaitingWhenClosed() {
        budget.tryAcquire();
        budget.tryAcquire();
        CountDownLatch closed = new CountDownLatch(1);
        closed.countDown();

        assertThat(budget.acquire(closed)).isFalse();
    }
}
