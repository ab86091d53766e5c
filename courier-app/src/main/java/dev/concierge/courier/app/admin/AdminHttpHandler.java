package dev.concierge.courier.app.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.courier.app.config.ConfigException;
import dev.concierge.courier.core.ledger.LedgerQuery;
import dev.concierge.courier.core.spi.Secret;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the admin endpoint's requests, on its event loop. Every path but {@code /health} and {@code /ready}
 * needs the bearer token when one is configured; the token is compared in constant time and never logged. Only {@code GET}
 * and {@code HEAD} are allowed, but for {@code POST /reload}, which exists only when a token is configured. Shared by every connection; holds no per-connection state.
 */
@ChannelHandler.Sharable
final class AdminHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(AdminHttpHandler.class);
    static final String TEXT = "text/plain; charset=utf-8";
    static final String JSON = "application/json";
    static final String HTML = "text/html; charset=utf-8";
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    // The page is self-contained: anything it would load from elsewhere is refused by the browser.
    private static final String PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; "
            + "script-src 'unsafe-inline'; connect-src 'self'; img-src data:";
    private static final String BEARER = "bearer ";
    private static final Set<String> PATHS = Set.of("/health", "/ready", "/metrics", "/ledger", "/status.json", "/",
            "/reload");

    /** What one request is answered with. */
    private record Reply(HttpResponseStatus status, String contentType, byte[] body) {
        static Reply text(HttpResponseStatus status, String text) {
            return new Reply(status, TEXT, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private final byte[] token;
    private final CourierMetrics metrics;
    private final BooleanSupplier ready;
    private final StatusDocument status;
    private final LedgerDocument ledger;
    private final ObjectMapper json;
    private final byte[] page;
    private final ExecutorService reloads = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "courier-admin-reload");
        thread.setDaemon(true);
        return thread;
    });
    private volatile ConfigurationReloader reloader;

    AdminHttpHandler(Secret token, CourierMetrics metrics, BooleanSupplier ready, StatusDocument status,
                     LedgerDocument ledger, ObjectMapper json) {
        this.token = token == null ? null : token.reveal().getBytes(StandardCharsets.UTF_8);
        this.metrics = metrics;
        this.ready = ready;
        this.status = status;
        this.ledger = ledger;
        this.json = json;
        this.page = statusPage();
    }

    /** Enables {@code POST /reload} (only when a token is configured). */
    void reloadWith(ConfigurationReloader reloader) {
        this.reloader = reloader;
    }

    private static byte[] statusPage() {
        try (InputStream in = AdminHttpHandler.class.getResourceAsStream("status.html")) {
            if (in == null) {
                throw new IllegalStateException("status.html is missing from the courier's resources");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read status.html", e);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String method = request.method().name();
        Reply reply;
        String path = "?";
        if (!request.decoderResult().isSuccess()) {
            reply = Reply.text(HttpResponseStatus.BAD_REQUEST, "bad request\n");
        } else {
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            path = uri.rawPath();
            // Probes (a kubelet's, a load balancer's) cannot present a secret; these two tell only up and ready.
            if (!path.equals("/health") && !path.equals("/ready") && !authorized(request)) {
                // A client may have put the token anywhere; only paths of ours are repeated in the log.
                metrics.requestRefused(method, PATHS.contains(path) ? path : "(another path)",
                        ctx.channel().remoteAddress());
                reply = Reply.text(HttpResponseStatus.UNAUTHORIZED, "a bearer token is required\n");
            } else if (path.equals("/reload")) {
                if (!request.method().equals(HttpMethod.POST)) {
                    reply = Reply.text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only POST\n");
                } else if (token == null) {
                    reply = Reply.text(HttpResponseStatus.FORBIDDEN,
                            "POST /reload needs admin.token to be set; send SIGHUP instead\n");
                } else if (reloader == null) {
                    reply = Reply.text(HttpResponseStatus.NOT_FOUND, "this courier cannot reload\n");
                } else {
                    reload(ctx, request);
                    return;
                }
            } else if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
                reply = Reply.text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET and HEAD\n");
            } else {
                try {
                    reply = route(path, uri);
                } catch (RuntimeException e) {
                    metrics.requestFailed(method, path, e);
                    reply = Reply.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n");
                }
            }
        }
        respond(ctx, request, reply);
    }

    /** Reloads off the event loop (a changed sink may take its shutdown deadline), then answers. */
    private void reload(ChannelHandlerContext ctx, FullHttpRequest request) {
        ConfigurationReloader current = reloader;
        request.retain();
        reloads.execute(() -> {
            Reply reply;
            try {
                String summary = current.reload();
                log.info("reloaded on POST /reload: {}", summary);
                reply = Reply.text(HttpResponseStatus.OK, "reloaded: " + summary + "\n");
            } catch (ConfigException e) {
                log.error("POST /reload: the configuration has problems; still running the previous one:\n{}",
                        e.getMessage());
                reply = Reply.text(HttpResponseStatus.UNPROCESSABLE_ENTITY,
                        "the configuration has problems; still running the previous one:\n" + e.getMessage() + "\n");
            } catch (RuntimeException e) {
                metrics.requestFailed("POST", "/reload", e);
                reply = Reply.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "reload failed: " + e + "\n");
            }
            Reply answer = reply;
            ctx.executor().execute(() -> {
                try {
                    respond(ctx, request, answer);
                } finally {
                    request.release();
                }
            });
        });
    }

    /** Stops the reload thread; a reload under way finishes first. */
    void close() {
        reloads.shutdown();
    }

    private boolean authorized(FullHttpRequest request) {
        if (token == null) {
            return true;
        }
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null || header.length() < BEARER.length()
                || !header.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            return false;
        }
        byte[] presented = header.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(token, presented);
    }

    private Reply route(String path, QueryStringDecoder uri) {
        return switch (path) {
            case "/health" -> Reply.text(HttpResponseStatus.OK, "ok\n");
            case "/ready" -> ready.getAsBoolean() ? Reply.text(HttpResponseStatus.OK, "ready\n")
                    : Reply.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready\n");
            case "/metrics" -> new Reply(HttpResponseStatus.OK, PROMETHEUS_TEXT,
                    metrics.scrape().getBytes(StandardCharsets.UTF_8));
            case "/ledger" -> ledger(uri);
            case "/status.json" -> json(status.render(ready.getAsBoolean()));
            case "/" -> new Reply(HttpResponseStatus.OK, HTML, page);
            default -> Reply.text(HttpResponseStatus.NOT_FOUND, "not found: " + path + "\n");
        };
    }

    private Reply ledger(QueryStringDecoder uri) {
        int limit = LedgerDocument.DEFAULT_LIMIT;
        List<String> limits = uri.parameters().get("limit");
        if (limits != null && !limits.isEmpty()) {
            String text = limits.get(0);
            try {
                limit = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > LedgerDocument.MAX_LIMIT) {
                return Reply.text(HttpResponseStatus.BAD_REQUEST,
                        "limit: " + text + " (expected: 1 to " + LedgerDocument.MAX_LIMIT + ")\n");
            }
        }
        LedgerQuery query;
        try {
            query = ledger.query(firstParameter(uri, "since"), firstParameter(uri, "sink"),
                    firstParameter(uri, "outcome"));
        } catch (IllegalArgumentException e) {
            return Reply.text(HttpResponseStatus.BAD_REQUEST, e.getMessage() + "\n");
        }
        return json(ledger.render(limit, query));
    }

    private static String firstParameter(QueryStringDecoder uri, String name) {
        List<String> values = uri.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private Reply json(ObjectNode node) {
        try {
            return new Reply(HttpResponseStatus.OK, JSON, json.writeValueAsBytes(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, Reply reply) {
        boolean head = request.method().equals(HttpMethod.HEAD);
        FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), reply.status(),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(reply.body()));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        response.headers().set("X-Content-Type-Options", "nosniff");
        if (reply.contentType().equals(HTML)) {
            response.headers().set("Content-Security-Policy", PAGE_POLICY);
        }
        if (reply.status().equals(HttpResponseStatus.UNAUTHORIZED)) {
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"courier\"");
        }
        if (reply.status().equals(HttpResponseStatus.METHOD_NOT_ALLOWED)) {
            response.headers().set(HttpHeaderNames.ALLOW,
                    request.uri().startsWith("/reload") ? "POST" : "GET, HEAD");
        }
        HttpUtil.setContentLength(response, reply.body().length);
        boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
        HttpUtil.setKeepAlive(response, keepAlive);
        ChannelFuture written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof ReadTimeoutException)) {
            log.debug("admin: connection from {} failed", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }
}
