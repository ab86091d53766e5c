package dev.concierge.courier.sinks.zabbix;

import dev.concierge.courier.core.spi.Secret;
import java.net.URI;
import java.util.Objects;

/**
 * {@code api: {url, token}}: the Zabbix JSON-RPC API the sink asks why values were refused.
 *
 * @param url   {@code https://zabbix.example.org/api_jsonrpc.php}
 * @param token an API token (Users > API tokens) whose user may read the hosts and items sent for; a
 *              {@link Secret}, never logged
 */
public record ZabbixApiConfig(URI url, Secret token) {
    public ZabbixApiConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(token, "token");
    }
}
