package dev.concierge.courier.core.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A private nginx ({@code /usr/sbin/nginx} from Debian's {@code nginx-light}, installed by
 * {@code scripts/install-test-deps.sh}) for one test class: one process ({@code master_process off}, so stopping
 * it by its pid stops it all), every listener on 127.0.0.1, logs, pid and temporary files in the test's
 * directory. The test writes the {@code server} blocks; {@code %PORTn%} in them is replaced by the n-th free
 * port, read back with {@link #port}. The access log records each request's {@code Accept},
 * {@code Accept-Encoding} and whether an {@code Authorization} header came, one line per request:
 * {@code request|accept|accept-encoding|auth:yes}.
 */
public final class RealNginx implements AutoCloseable {
    public static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final Duration START_WAIT = Duration.ofSeconds(30);

    private final Path dir;
    private final Process process;
    private final int[] ports;

    private RealNginx(Path dir, Process process, int[] ports) {
        this.dir = dir;
        this.process = process;
        this.ports = ports;
    }

    /** Starts nginx with {@code servers} (nginx {@code server} blocks) and waits until every port accepts. */
    public static RealNginx start(Path dir, int portCount, String servers) throws IOException {
        if (!Files.isExecutable(NGINX)) {
            throw new IllegalStateException(NGINX + " is missing: run scripts/install-test-deps.sh (package nginx-light)");
        }
        int[] ports = new int[portCount];
        String text = servers;
        for (int i = 0; i < portCount; i++) {
            ports[i] = freePort();
            text = text.replace("%PORT" + i + "%", String.valueOf(ports[i]));
        }
        Files.createDirectories(dir.resolve("tmp"));
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, """
                daemon off;
                master_process off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                events { worker_connections 64; }
                http {
                    map $http_authorization $authorization_sent { "" no; default yes; }
                    log_format probe '$request|$http_accept|$http_accept_encoding|auth:$authorization_sent';
                    access_log %1$s/access.log probe;
                    client_body_temp_path %1$s/tmp/body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                    types { }
                    default_type application/octet-stream;
                %2$s
                }
                """.formatted(dir, text), StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        RealNginx nginx = new RealNginx(dir, process, ports);
        try {
            for (int port : ports) {
                Awaitility.await("nginx listens on " + port + "; see " + dir.resolve("error.log"))
                        .atMost(START_WAIT).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                        .until(() -> {
                            if (!process.isAlive()) {
                                throw new IllegalStateException("nginx exited: "
                                        + Files.readString(dir.resolve("nginx.out")));
                            }
                            try (Socket socket = new Socket()) {
                                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                                return true;
                            }
                        });
            }
        } catch (RuntimeException e) {
            nginx.close();
            throw e;
        }
        return nginx;
    }

    /** The n-th port, as {@code %PORTn%} was replaced. */
    public int port(int n) {
        return ports[n];
    }

    /** The access log's lines so far. */
    public List<String> accessLog() throws IOException {
        Path log = dir.resolve("access.log");
        return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    }

    /** An {@code htpasswd} line for {@code user} with an APR1 hash made by {@code openssl passwd -apr1}. */
    public static String htpasswdLine(Path dir, String user, String password) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/usr/bin/openssl", "passwd", "-apr1", "-stdin").redirectErrorStream(true).start();
        p.getOutputStream().write(password.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String hash = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("openssl passwd failed: " + hash);
        }
        return user + ":" + hash + "\n";
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
