package org.fedflink.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** What the scripts that start local JVMs (the Flink cluster, the Kafka broker) need of the OS. */
public final class LocalProcesses {
    private LocalProcesses() {}

    /** The java launcher of the running JVM. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The command line of process {@code pid} ({@code /proc} where there is one, else what the JVM
     * can see); empty when it is gone or unreadable. Used to tell our processes from a reused pid.
     */
    public static List<String> commandLine(long pid) {
        Path cmdline = Path.of("/proc", String.valueOf(pid), "cmdline");
        try {
            return Files.exists(cmdline)
                    ? Arrays.asList(new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).split("\0"))
                    : ProcessHandle.of(pid).flatMap(h -> h.info().arguments()).map(Arrays::asList).orElse(List.of());
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Whether {@code port} on the loopback address can be bound now. */
    public static boolean portFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
