package dev.concierge.courier.app.send;

import dev.concierge.courier.sinks.zabbix.client.ZabbixServerNodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code zabbix_sender -c} takes from a {@code zabbix_agentd.conf}-style file: the first
 * {@code ServerActive} line, every destination in it, the first {@code Hostname}, and the {@code TLS*} parameters of
 * {@link SenderTlsOptions}, the last of each, as {@code zabbix_sender} takes them. Lines are
 * {@code Name=value} with blanks around the name and value trimmed; {@code #} starts a comment line; other
 * parameters are ignored, as {@code zabbix_sender} ignores them.
 *
 * <p>{@code Server} is not read: {@code zabbix_sender} 6.0.14 with a file holding only {@code Server} fails
 * with {@code 'ServerActive' parameter required}, and its man page lists only {@code ServerActive}. As with
 * {@code -z}, {@code a,b;c} is two destinations, the second an HA cluster of two nodes (see
 * {@link ServerAddress#destinations}). {@code Include} is not followed.
 *
 * @param serverActive the destinations of {@code ServerActive}, empty when there is none
 * @param hostname     the first {@code Hostname} entry, null when there is none
 * @param tls          the {@code TLS*} parameters; each null when the file does not have it
 */
public record AgentConfigFile(List<ZabbixServerNodes> serverActive, String hostname, SenderTlsOptions tls) {

    /** No file. */
    public static final AgentConfigFile NONE = new AgentConfigFile(List.of(), null, SenderTlsOptions.NONE);

    public AgentConfigFile {
        serverActive = List.copyOf(serverActive);
    }

    /** Reads {@code file}; an unreadable file or a malformed {@code ServerActive} is an {@link IOException}. */
    public static AgentConfigFile read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String serverActive = null;
        String hostname = null;
        List<String> tlsNames = SenderTlsOptions.configNames();
        Map<String, String> tls = new HashMap<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String name = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (name.equals("ServerActive") && serverActive == null) {
                serverActive = value;
            } else if (name.equals("Hostname") && hostname == null) {
                hostname = first(value);
            } else if (tlsNames.contains(name)) {
                tls.put(name, value);
            }
        }
        List<ZabbixServerNodes> server = List.of();
        if (serverActive != null && !serverActive.isEmpty()) {
            try {
                server = ServerAddress.destinations(serverActive, ServerAddress.DEFAULT_PORT);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": ServerActive: " + e.getMessage(), e);
            }
        }
        return new AgentConfigFile(server, hostname == null || hostname.isEmpty() ? null : hostname,
                SenderTlsOptions.ofConfigFile(tls));
    }

    private static String first(String list) {
        int comma = list.indexOf(',');
        return (comma < 0 ? list : list.substring(0, comma)).strip();
    }
}
