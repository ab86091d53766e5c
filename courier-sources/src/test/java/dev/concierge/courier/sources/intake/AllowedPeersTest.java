package dev.concierge.courier.sources.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Zabbix's "Allowed hosts" semantics. */
class AllowedPeersTest {

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void allowsLoopbackOnlyWhenNothingIsListed() throws Exception {
        AllowedPeers peers = AllowedPeers.loopbackOnly();

        assertThat(peers.allows(ip("127.0.0.1"))).isTrue();
        assertThat(peers.allows(ip("127.8.9.10"))).isTrue();
        assertThat(peers.allows(ip("::1"))).isTrue();
        assertThat(peers.allows(ip("10.0.0.1"))).isFalse();
        assertThat(AllowedPeers.of(List.of())).hasToString("loopback only");
    }

    @Test
    void matchesAddressesAndCidrBlocks() throws Exception {
        AllowedPeers peers = AllowedPeers.of(List.of("192.0.2.7", "10.1.0.0/16", "fd00::/8"));

        assertThat(peers.allows(ip("192.0.2.7"))).isTrue();
        assertThat(peers.allows(ip("192.0.2.8"))).isFalse();
        assertThat(peers.allows(ip("10.1.255.3"))).isTrue();
        assertThat(peers.allows(ip("10.2.0.1"))).isFalse();
        assertThat(peers.allows(ip("fd12::1"))).isTrue();
        assertThat(peers.allows(ip("127.0.0.1"))).as("loopback is not implied once clients are named").isFalse();
    }

    @Test
    void matchesAnIpv4ClientAgainstAnIpv4MappedEntryAndTheOtherWayRound() throws Exception {
        assertThat(AllowedPeers.of(List.of("::ffff:192.0.2.0/120")).allows(ip("192.0.2.9"))).isTrue();
        assertThat(AllowedPeers.of(List.of("192.0.2.9")).allows(InetAddress.getByAddress(
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 192, 0, 2, 9}))).isTrue();
    }

    @Test
    void resolvesANameWhenAClientConnects() throws Exception {
        assertThat(AllowedPeers.of(List.of("localhost")).allows(ip("127.0.0.1"))).isTrue();
        assertThat(AllowedPeers.of(List.of("no-such-host.invalid")).allows(ip("127.0.0.1"))).isFalse();
    }

    @Test
    void refusesEntriesThatAreNoneOfThose() {
        assertThat(AllowedPeers.problem("10.0.0.0/33")).contains("prefix length from 0 to 32");
        assertThat(AllowedPeers.problem("a b")).contains("(expected: an IP address, a CIDR block");
        assertThatThrownBy(() -> AllowedPeers.of(List.of("10.0.0.1/x"))).isInstanceOf(IllegalArgumentException.class);
    }
}
