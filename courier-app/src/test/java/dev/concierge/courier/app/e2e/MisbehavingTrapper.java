package dev.concierge.courier.app.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw listener on 127.0.0.1 that takes connections on a Zabbix trapper's port and misbehaves, for the
 * failure modes a real server does not produce on demand. One daemon thread accepts, one per connection
 * serves.
 */
final class MisbehavingTrapper implements AutoCloseable {

    /** What every connection gets. */
    enum Behaviour {
        /** Reads the request and never answers, keeping the connection open until the peer gives up. */
        SILENT,
        /** Answers the first bytes of the request with an HTTP error instead of a ZBXD frame, then closes. */
        GARBAGE
    }

    private static final byte[] GARBAGE_REPLY =
            "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Behaviour behaviour;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Thread acceptor;

    private MisbehavingTrapper(int port, Behaviour behaviour) throws IOException {
        this.behaviour = behaviour;
        this.server = new ServerSocket();
        // The port was just given up by a receiver whose closed connections may linger in TIME_WAIT.
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        this.acceptor = new Thread(this::acceptLoop, "misbehaving-trapper-" + behaviour);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Listens on {@code port} (0 for a free one) and treats every connection with {@code behaviour}. */
    static MisbehavingTrapper listen(int port, Behaviour behaviour) throws IOException {
        return new MisbehavingTrapper(port, behaviour);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    int connections() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException closed) {
                return;
            }
            accepted.incrementAndGet();
            open.add(socket);
            Thread serving = new Thread(() -> serve(socket), "misbehaving-trapper-connection");
            serving.setDaemon(true);
            serving.start();
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            byte[] buffer = new byte[8192];
            if (behaviour == Behaviour.GARBAGE) {
                if (in.read(buffer) > 0) {
                    out.write(GARBAGE_REPLY);
                    out.flush();
                }
                return;
            }
            while (in.read(buffer) >= 0) {
                // SILENT: swallow the request; the sender's read timeout ends the connection.
            }
        } catch (SocketException closedUnderUs) {
            // close() or the peer's reset: the connection is over either way.
        } catch (IOException e) {
            // Nothing to report to: the sender sees the failure on its side.
        } finally {
            open.remove(socket);
        }
    }

    /** Stops listening and closes every open connection, so the port is free when this returns. */
    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        for (Socket socket : open) {
            socket.close();
        }
        acceptor.join(5_000);
    }
}
