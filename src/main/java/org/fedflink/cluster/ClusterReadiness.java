package org.fedflink.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Waiting, during a start, until the members just launched answer: ZooKeeper its {@code ruok}, the
 * JobManager's REST API with every TaskManager registered. A launched member that dies meanwhile
 * fails the start at once rather than at the timeout, with the last lines of its log and console,
 * since the cause is usually there.
 */
final class ClusterReadiness {

    private final ClusterLayout layout;
    private final MemberProcesses processes;

    ClusterReadiness(ClusterLayout layout, MemberProcesses processes) {
        this.layout = layout;
        this.processes = processes;
    }

    void awaitZooKeeper(Duration timeout) throws ClusterException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            checkAlive(List.of("zookeeper"));
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), layout.zkPort()), 1000);
                socket.setSoTimeout(2000);
                OutputStream o = socket.getOutputStream();
                o.write("ruok".getBytes(StandardCharsets.US_ASCII));
                o.flush();
                InputStream in = socket.getInputStream();
                if (new String(in.readAllBytes(), StandardCharsets.US_ASCII).startsWith("imok")) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            sleep(300);
        }
        throw new ClusterException("zookeeper did not answer on 127.0.0.1:" + layout.zkPort() + " within "
                + timeout.toSeconds() + " s; see " + layout.logFile("zookeeper"));
    }

    /** Waits until the layout's TaskManagers have registered with the JobManager that {@code rest} reaches. */
    void awaitTaskManagers(List<String> started, Duration timeout, FlinkRest rest) throws ClusterException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int registered = -1;
        String lastError = "";
        while (System.nanoTime() < deadline) {
            checkAlive(started);
            try {
                registered = rest.get("/overview").path("taskmanagers").asInt();
                if (registered >= layout.taskManagers()) {
                    return;
                }
            } catch (IOException e) {
                lastError = e.getMessage();
            }
            sleep(500);
        }
        String log = started.stream().filter(m -> m.startsWith("taskmanager-")).findFirst()
                .map(layout::logFile).orElse(layout.logFile("jobmanager-1")).toString();
        throw new ClusterException(registered < 0
                ? "the jobmanager's REST API did not answer within " + timeout.toSeconds() + " s (" + lastError
                        + "); see " + layout.logFile("jobmanager-1")
                : registered + " of " + layout.taskManagers() + " taskmanagers registered within "
                        + timeout.toSeconds() + " s; see " + log + " and " + layout.logFile("jobmanager-1"));
    }

    private void checkAlive(List<String> started) throws ClusterException {
        for (String member : started) {
            if (processes.pidOf(member).isEmpty()) {
                // look twice: a process in the middle of its exec (setsid into java) can briefly show
                // an empty command line, which is not the mark of ours it is checked for
                sleep(250);
                if (processes.pidOf(member).isEmpty()) {
                    Path out = processes.outFile(member);
                    throw new ClusterException(member + " exited during the start (" + processes.whyGone(member)
                            + "); see " + layout.logFile(member) + " and " + out + lastWords(layout.logFile(member), out));
                }
            }
        }
    }

    /** The log's last error line and the console's last lines, so that a failed start says why. */
    private static String lastWords(Path log, Path out) {
        StringBuilder why = new StringBuilder();
        try {
            if (Files.exists(log)) {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                for (int i = lines.size() - 1; i >= 0; i--) {
                    if (lines.get(i).contains("ERROR") || lines.get(i).contains("Exception")) {
                        why.append("\n  last error in the log: ").append(lines.get(i).strip());
                        break;
                    }
                }
            }
            if (Files.exists(out)) {
                List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8).stream()
                        .filter(l -> !l.isBlank()).toList();
                for (String line : lines.subList(Math.max(0, lines.size() - 5), lines.size())) {
                    why.append("\n  ").append(line.strip());
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // the pointers to the files are still in the message
        }
        return why.toString();
    }

    private static void sleep(long millis) throws ClusterException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted");
        }
    }
}
