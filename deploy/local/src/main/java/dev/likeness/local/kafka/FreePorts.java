package dev.likeness.local.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports picked by the OS for local brokers, services and tests: the one place that asks for them. */
public final class FreePorts {

    private FreePorts() {}

    /** A port that is free on the loopback interface right now; the OS picks it. */
    public static int find() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free local port", e);
        }
    }

    /** A free port whose next port is free too (a broker given one port puts its controller on the next). */
    public static int findPair() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = find();
            try (ServerSocket next = new ServerSocket(port + 1, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new UncheckedIOException(new IOException("No two consecutive free local ports found"));
    }
}
