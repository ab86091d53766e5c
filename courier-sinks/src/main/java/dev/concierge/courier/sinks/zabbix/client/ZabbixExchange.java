package dev.concierge.courier.sinks.zabbix.client;

import java.util.List;
import java.util.Objects;

/**
 * How one request went on one connection of a {@link ZabbixClient}: the server's reply, or the stage at
 * which the exchange stopped without one. The client judges nothing: whether {@code failed: 3} or
 * {@code response: failed} settles the rows is the caller's policy (the sink's and {@code courier send}'s
 * differ), and so is the wording of a failure.
 *
 * @param rows     rows in the request
 * @param response the server's reply; null exactly when {@code failure} is set
 * @param failure  why there is no reply; null exactly when the server answered
 * @param server   the node that answered, or the last one asked, as {@code host:port}; empty for an exchange
 *                 made outside a client
 * @param refused  the nodes of a cluster that refused the connection before {@code server} was asked, in the
 *                 order asked: standbys, or nodes that are down
 */
public record ZabbixExchange(int rows, ZabbixResponse response, Failure failure, String server,
                             List<Refusal> refused) {

    public ZabbixExchange {
        if ((response == null) == (failure == null)) {
            throw new IllegalArgumentException("response, failure: " + response + ", " + failure
                    + " (expected: exactly one of them)");
        }
        Objects.requireNonNull(server, "server");
        refused = List.copyOf(refused);
    }

    /** As the canonical constructor, at no node in particular. */
    public ZabbixExchange(int rows, ZabbixResponse response, Failure failure) {
        this(rows, response, failure, "", List.of());
    }

    /** This exchange, as had with {@code server} after {@code refused} turned the connection down. */
    public ZabbixExchange at(String server, List<Refusal> refused) {
        return new ZabbixExchange(rows, response, failure, server, refused);
    }

    /**
     * A node that refused the connection.
     *
     * @param server the node, {@code host:port}
     * @param cause  the connect failure, as in {@link Failure#cause()}
     */
    public record Refusal(String server, String cause) {
        public Refusal {
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(cause, "cause");
        }
    }

    /** The server answered with a frame holding a Zabbix response. */
    public static ZabbixExchange answered(int rows, ZabbixResponse response) {
        return new ZabbixExchange(rows, Objects.requireNonNull(response, "response"), null);
    }

    /** The exchange stopped at {@code stage} without a reply. */
    public static ZabbixExchange failed(int rows, Stage stage, String cause) {
        return new ZabbixExchange(rows, null, new Failure(stage, cause));
    }

    /** True when the server answered, whatever it answered. */
    public boolean answered() {
        return response != null;
    }

    /**
     * Where an exchange stopped without a reply. The first five leave the server untouched: nothing of the
     * request reached it. From {@link #WRITE} on, the outcome is unknown: the server may have stored the rows.
     */
    public enum Stage {
        /** The client was closed while the request waited for a connection slot. */
        CLIENT_CLOSED(true),
        /** The TCP connection could not be made (refused, timed out, unresolvable host). */
        CONNECT(true),
        /** The TLS handshake failed: an untrusted or mismatched certificate, or the server refused ours. */
        TLS_HANDSHAKE(true),
        /** The request could not be rendered to JSON. */
        RENDER(true),
        /**
         * A 7.0 proxy group redirected the request and the redirect could not be followed: a second redirect
         * in a row, or a reset while not redirected ("service offline"). The server stored nothing.
         */
        REDIRECT(true),
        /** Writing the request failed. */
        WRITE(false),
        /** No complete reply within the read timeout, the TLS handshake included. */
        READ_TIMEOUT(false),
        /** The connection failed while waiting for the reply: reset, or bytes that are not a Zabbix frame. */
        RECEIVE(false),
        /** The server closed the connection before a complete reply. */
        CLOSED(false),
        /** A complete reply frame whose payload is not a Zabbix response. */
        REPLY(false);

        private final boolean nothingSent;

        Stage(boolean nothingSent) {
            this.nothingSent = nothingSent;
        }

        /** True when no byte of the request reached the server. */
        public boolean nothingSent() {
            return nothingSent;
        }
    }

    /**
     * @param stage where the exchange stopped
     * @param cause what went wrong, without the server's address: the exception's class and message
     *              ({@code ConnectException: Connection refused}), the decoder's
     *              {@code reply: field: actual (expected: rule)}, or a sentence such as
     *              {@code no reply within 300 ms}
     */
    public record Failure(Stage stage, String cause) {
        public Failure {
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(cause, "cause");
        }
    }
}
