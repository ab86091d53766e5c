package dev.concierge.courier.sinks.zabbix;

/**
 * What a Zabbix sink's automatic discovery did since the sink started; a snapshot.
 *
 * @param valuesSent           LLD values the server processed
 * @param valuesRefused        LLD values the server counted as failed: the host lacks the rule
 * @param framesHeld           frames of values for new series held until discovery settled
 * @param rowsResent           rows sent again from the hold, counting each resend
 * @param rowsAcceptedLate     rows that failed at first and were processed from the hold
 * @param rowsRefusedAfterHold rows still failed when their hold ran out, settled as rejected
 * @param framesOverflowed     frames settled at once because the hold was full
 */
public record ZabbixDiscoveryStats(long valuesSent, long valuesRefused, long framesHeld, long rowsResent,
                                   long rowsAcceptedLate, long rowsRefusedAfterHold, long framesOverflowed) {
}
