package org.fedflink;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the processes the integration tests start (JobManagers, ZooKeeper, a Kafka broker),
 * drawn below the kernel's ephemeral range ({@code /proc/sys/net/ipv4/ip_local_port_range},
 * 32768-60999 by default). A port the kernel hands out for {@code bind(0)} comes from that range,
 * and between the test picking it and the process binding it, any outbound connection on the
 * machine (a TaskManager's to ZooKeeper, the test's REST polls) may be given the same port as its
 * local end: CI once saw a standby JobManager's REST port taken that way. Ports below the range
 * are never given out for outbound connections, so only another listener can take them.
 */
public final class FreePorts {
    private static final int LOWEST = 10_000;

    private FreePorts() {}

    /** A port that is free now, below the ephemeral range. */
    public static int one() throws IOException {
        return find(false);
    }

    /** A port {@code p} with {@code p + 1} free too (a standby JobManager's REST port is the next one). */
    public static int pair() throws IOException {
        return find(true);
    }

    private static int find(boolean pair) throws IOException {
        int highest = ephemeralLow() - 2;
        for (int attempt = 0; attempt < 200; attempt++) {
            int p = ThreadLocalRandom.current().nextInt(LOWEST, highest);
            if (free(p) && (!pair || free(p + 1))) {
                return p;
            }
        }
        throw new IOException("no free port between " + LOWEST + " and " + highest);
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of the kernel's ephemeral range; 32768 where it cannot be read. */
    private static int ephemeralLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int low = Integer.parseInt(range.split("\\s+")[0]);
            return Math.max(LOWEST + 1_000, low);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
