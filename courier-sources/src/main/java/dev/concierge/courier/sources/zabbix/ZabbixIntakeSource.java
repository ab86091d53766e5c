package dev.concierge.courier.sources.zabbix;

import dev.concierge.courier.core.spi.AcknowledgingEmitter;
import dev.concierge.courier.core.spi.CountsEvents;
import dev.concierge.courier.core.spi.PushSource;
import dev.concierge.courier.core.spi.SourceException;
import dev.concierge.courier.sources.intake.AllowedPeers;
import dev.concierge.courier.sources.intake.IntakeCounts;
import dev.concierge.courier.sources.intake.IntakeGate;
import dev.concierge.courier.sources.intake.IntakeListener;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.OptionalSslHandler;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code type: zabbix_intake}: a Zabbix trapper for {@code sender data} requests on a local port, so that scripts
 * pointed at it with {@code zabbix_sender -z 127.0.0.1} get the ledger, backoff, HA lists and TLS of the Zabbix
 * sink; see the package comment and {@code sample.yaml}.
 *
 * <p>Listens from {@link #listen} until {@link #close} ({@link IntakeListener}).
 */
public final class ZabbixIntakeSource implements PushSource, CountsEvents {
    private static final Logger log = LoggerFactory.getLogger(ZabbixIntakeSource.class);

    private final ZabbixIntakeConfig config;
    private final Clock clock;
    private final IntakeCounts counts = new IntakeCounts();
    private final Map<String, LongSupplier> events = counts.events();
    private volatile IntakeListener listener;
    private volatile IntakeGate gate;

    private ZabbixIntakeSource(ZabbixIntakeConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    public static ZabbixIntakeSource create(ZabbixIntakeConfig config) {
        return create(config, Clock.systemUTC());
    }

    /** @param clock stamps values sent without {@code clock} */
    public static ZabbixIntakeSource create(ZabbixIntakeConfig config, Clock clock) {
        return new ZabbixIntakeSource(config, clock);
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public Map<String, LongSupplier> events() {
        return events;
    }

    @Override
    public synchronized void listen(AcknowledgingEmitter out) throws SourceException {
        if (listener != null) {
            return;
        }
        SslContext tls;
        try {
            tls = config.tls() == null ? null : config.tls().serverContext();
        } catch (IOException e) {
            throw new SourceException(e.getMessage(), e);
        }
        IntakeGate gate = this.gate = new IntakeGate(AllowedPeers.of(config.allowed()), config.maxConnections(),
                config.requestTimeout(), counts);
        listener = IntakeListener.bind("zabbix-intake", config.host(), config.port(), ch -> {
            ChannelPipeline pipeline = ch.pipeline();
            pipeline.addLast("gate", gate);
            if (tls != null) {
                // Zabbix takes TLS and plain text on one port, telling them apart by the first byte.
                pipeline.addLast("tls", config.acceptsUnencrypted() ? new OptionalSslHandler(tls)
                        : tls.newHandler(ch.alloc()));
            }
            pipeline.addLast(new ZabbixRequestDecoder(config.maxRequestBytes()), new ZabbixReplyEncoder(),
                    new ZabbixIntakeHandler(config.name(), out, config.acknowledgementTimeout(), counts, clock));
        });
        log.info("source {}: listening for zabbix_sender on {} (allowed: {}{})", config.name(), listener.localAddress(),
                AllowedPeers.of(config.allowed()), tls == null ? "" : ", TLS");
    }

    /** The port it listens on; -1 before {@link #listen}. */
    public int port() {
        IntakeListener current = listener;
        return current == null ? -1 : current.localAddress().getPort();
    }

    /** Connections open now (those the gate let in). */
    public int openConnections() {
        IntakeGate current = gate;
        return current == null ? 0 : current.openConnections();
    }

    /** Stops listening and closes every connection; a client waiting for its answer gets none. */
    @Override
    public synchronized void close() {
        if (listener != null) {
            listener.close();
        }
    }
}
