package dev.concierge.courier.sinks.zabbix.client;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A raw-socket trapper that answers each request as a script says, for failure modes the real server will
 * not produce on demand. It reads one plain frame per connection and writes the script's bytes verbatim:
 * {@link #HOLD} keeps the connection open without a word, an empty array closes it, {@link #RESET} resets it.
 */
public final class ScriptedTrapper implements AutoCloseable {
    public static final byte[] HOLD = new byte[0];
    public static final byte[] RESET = new byte[0];
    public static final byte[] CLOSE = new byte[0];

    private final ServerSocket server;
    private final Function<String, byte[]> script;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<byte[]> frames = new CopyOnWriteArrayList<>();
    private final AtomicInteger unanswered = new AtomicInteger();
    private final AtomicInteger mostUnanswered = new AtomicInteger();
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    /** @param script from a request's JSON to the bytes to answer with */
    public ScriptedTrapper(Function<String, byte[]> script) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.script = script;
        this.acceptor = new Thread(this::acceptLoop, "scripted-trapper");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The JSON of every request read, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** The most requests read and not yet answered at any one time. */
    public int mostUnanswered() {
        return mostUnanswered.get();
    }

    /** Every request frame read, byte for byte, in order. */
    public List<byte[]> frames() {
        return List.copyOf(frames);
    }

    /** A Zabbix frame around {@code json}, flags 0x01. */
    public static byte[] frame(String json) {
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(13 + payload.length).order(ByteOrder.LITTLE_ENDIAN)
                .put("ZBXD".getBytes(StandardCharsets.US_ASCII)).put((byte) 0x01)
                .putInt(payload.length).putInt(0).put(payload).array();
    }

    public static byte[] success(int processed, int failed, int total) {
        return frame("{\"response\":\"success\",\"info\":\"processed: " + processed + "; failed: " + failed
                + "; total: " + total + "; seconds spent: 0.000050\"}");
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread t = new Thread(() -> serve(socket), "scripted-trapper-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            byte[] frame = readFrame(in);
            frames.add(frame);
            String request = new String(frame, 13, frame.length - 13, StandardCharsets.UTF_8);
            requests.add(request);
            mostUnanswered.accumulateAndGet(unanswered.incrementAndGet(), Math::max);
            byte[] answer = script.apply(request);
            // Counted as answered before the answer leaves, so the client cannot see a slot free up first.
            unanswered.decrementAndGet();
            if (answer == HOLD) {
                held.add(socket);
                return;
            }
            if (answer == RESET) {
                socket.setSoLinger(true, 0); // close() then sends RST
                socket.close();
                return;
            }
            OutputStream out = socket.getOutputStream();
            out.write(answer);
            out.flush();
            socket.close();
        } catch (IOException e) {
            closeQuietly(socket);
        }
    }

    // Plain frames only: ZBXD, flags, LE32 datalen, LE32 reserved, payload.
    private static byte[] readFrame(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] header = new byte[13];
        data.readFully(header);
        int length = ByteBuffer.wrap(header, 5, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        byte[] frame = Arrays.copyOf(header, 13 + length);
        data.readFully(frame, 13, length);
        return frame;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        held.forEach(ScriptedTrapper::closeQuietly);
    }
}
