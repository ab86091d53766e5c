package dev.concierge.courier.benchmarks;

import dev.concierge.courier.sinks.zabbix.RealZabbixServer;
import dev.concierge.courier.sinks.zabbix.RealZabbixServer.ValueType;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.io.IOException;
import java.io.InputStream;

/**
 * The two servers {@code scripts/bench-send.sh} sends to: a real Zabbix 6.0 server (the test fixture, see
 * PEERS.md) with one host and {@code items} unsigned trapper items {@code bench.item[0..items-1]}, and an
 * in-process {@link ZabbixTrapperReceiver} that answers at once. Prints one line,
 * {@code zabbix_port=<p> receiver_port=<p> host=<name>}, once both are ready, and stops both when its
 * standard input closes.
 *
 * <p>Arguments: {@code [items]} (default 200). Needs root, like the fixture.
 */
public final class SendBenchmarkPeers {
    private SendBenchmarkPeers() {
    }

    public static void main(String[] args) throws IOException {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        String host = "bench-send";
        try (RealZabbixServer zabbix = RealZabbixServer.start();
             ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create()) {
            String hostId = zabbix.createHost(host);
            for (int i = 0; i < items; i++) {
                zabbix.createTrapperItem(hostId, "bench.item[" + i + "]", ValueType.UNSIGNED);
            }
            zabbix.reloadConfigCache();
            System.out.println("zabbix_port=" + zabbix.trapperPort() + " receiver_port=" + receiver.port()
                    + " host=" + host);
            System.out.flush();
            InputStream in = System.in;
            while (in.read() >= 0) {
                // wait for the script to close our stdin
            }
        }
    }
}
