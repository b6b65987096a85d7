package org.fedflink.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.fedflink.cluster.ClusterException;
import org.fedflink.cluster.FlinkClasspath;
import org.fedflink.cluster.LocalProcesses;
import org.fedflink.io.FileTrees;

/**
 * A single-node Kafka broker on this machine (KRaft: one JVM that is broker and controller),
 * started from the Maven artifacts of {@code flink-conf/kafka/broker.pom.xml} (there is no Kafka
 * tarball) and bound to 127.0.0.1. Everything lives in one folder:
 *
 * <pre>
 * broker.json             ports of the last start (later commands read them)
 * conf/server.properties  flink-conf/kafka/server.properties + the keys of this start
 * conf/log4j2.properties  the broker's logging
 * data/                   log.dirs: the KRaft metadata and the topics (kept by stop)
 * logs/server.log         the broker's log; logs/broker.out its stdout and stderr
 * pids/broker.pid         the process id
 * </pre>
 *
 * The broker carries {@code -Dfedflink.kafka=DIR} on its command line, so {@link #stop()} signals
 * only a process this folder's start launched, even if the pid was reused.
 */
public final class LocalKafka {

    static final String POM = "flink-conf/kafka/broker.pom.xml";
    static final String CACHE = "target/kafka-broker-classpath.txt";
    static final String MAIN = "kafka.Kafka";
    static final String LAYOUT_FILE = "broker.json";
    private static final String DIR_FLAG = "-Dfedflink.kafka=";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Where a broker lives and listens.
     *
     * @param dir the broker's folder
     * @param port the client port ({@code bootstrap.servers} is {@code 127.0.0.1:port})
     * @param controllerPort the KRaft controller's port
     * @param heap the broker's maximum heap, as a JVM size ({@code 768m})
     */
    public record Layout(Path dir, int port, int controllerPort, String heap) {
        public Layout {
            dir = dir.toAbsolutePath().normalize();
            for (int p : new int[] {port, controllerPort}) {
                if (p < 1 || p > 65535) {
                    throw new IllegalArgumentException("port must be within 1..65535, got " + p);
                }
            }
            if (port == controllerPort) {
                throw new IllegalArgumentException("the client and controller ports must differ, both are " + port);
            }
            if (!heap.matches("\\d+[kmgKMG]")) {
                throw new IllegalArgumentException("heap must be a JVM size such as 768m or 2g, got '" + heap + "'");
            }
        }

        /** The defaults: Kafka's usual ports 9092 and 9093, a 768 MB heap. */
        public static Layout defaults(Path dir) {
            return new Layout(dir, 9092, 9093, "768m");
        }

        public String bootstrapServers() {
            return "127.0.0.1:" + port;
        }

        public Path logFile() {
            return dir.resolve("logs").resolve("server.log");
        }

        Path outFile() {
            return dir.resolve("logs").resolve("broker.out");
        }

        Path pidFile() {
            return dir.resolve("pids").resolve("broker.pid");
        }

        Path dataDir() {
            return dir.resolve("data");
        }

        Path confDir() {
            return dir.resolve("conf");
        }

        void save() throws IOException {
            Files.createDirectories(dir);
            JSON.writeValue(dir.resolve(LAYOUT_FILE).toFile(), JSON.createObjectNode()
                    .put("port", port).put("controllerPort", controllerPort).put("heap", heap));
        }

        /** The layout of the last start in {@code dir}, if any. */
        public static Optional<Layout> load(Path dir) throws BrokerException {
            Path file = dir.resolve(LAYOUT_FILE);
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            try {
                JsonNode n = JSON.readTree(file.toFile());
                return Optional.of(new Layout(dir, n.path("port").asInt(), n.path("controllerPort").asInt(),
                        n.path("heap").asText("768m")));
            } catch (IOException | IllegalArgumentException e) {
                throw new BrokerException("cannot read " + file + ": " + e.getMessage());
            }
        }
    }

    private final Path home;
    private final Layout layout;
    private final PrintStream console;

    /**
     * @param home the project folder ({@code FEDFLINK_HOME}): holds {@code flink-conf/kafka/}
     * @param console where progress lines go (may be null)
     */
    public LocalKafka(Path home, Layout layout, PrintStream console) {
        this.home = home.toAbsolutePath().normalize();
        this.layout = layout;
        this.console = console;
    }

    public Layout layout() {
        return layout;
    }

    /**
     * Starts the broker unless it runs, formatting its storage on the first start, and waits until
     * it answers a metadata request.
     *
     * @return a one-line description of what happened
     * @throws BrokerException if a port is taken, the broker exits, or it does not answer within
     *     {@code timeout}; the message names the log to read, and a broker that does not answer is
     *     stopped again
     */
    public String start(Duration timeout) throws BrokerException {
        long begin = System.nanoTime();
        OptionalLong running = pid();
        if (running.isPresent()) {
            return "the kafka broker in " + layout.dir() + " is already running (pid " + running.getAsLong() + ", "
                    + layout.bootstrapServers() + ")";
        }
        checkPortFree(layout.port(), "the client port (--port)");
        checkPortFree(layout.controllerPort(), "the controller port (--controller-port)");
        String classpath;
        try {
            classpath = FlinkClasspath.resolve(home, POM, CACHE, "Kafka broker");
        } catch (ClusterException e) {
            throw new BrokerException(e.getMessage());
        }
        BrokerFolder folder = new BrokerFolder(home, layout, console);
        if (!folder.prepare()) {
            folder.format(classpath);
        }
        long pid = launch(classpath);
        try {
            BrokerProbe.awaitReady(layout, timeout, () -> pid().isPresent());
        } catch (BrokerException e) {
            terminate(pid, Duration.ofSeconds(20));
            throw e;
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        return String.format(Locale.ROOT, "started the kafka broker (pid %d) in %.1f s: bootstrap %s; data in %s;"
                        + " log %s", pid, seconds, layout.bootstrapServers(), layout.dataDir(), layout.logFile());
    }

    /**
     * Stops the broker (SIGTERM, a controlled shutdown; SIGKILL after {@code grace}). The data stays
     * unless {@code deleteData}, so a later start keeps its topics.
     *
     * @return the pid that was stopped, if the broker was running
     */
    public OptionalLong stop(Duration grace, boolean deleteData) throws BrokerException {
        OptionalLong pid = pid();
        pid.ifPresent(p -> terminate(p, grace));
        try {
            Files.deleteIfExists(layout.pidFile());
            if (deleteData) {
                FileTrees.deleteRecursively(layout.dataDir());
            }
        } catch (IOException e) {
            throw new BrokerException("stopped the broker but could not clean " + layout.dir() + ": " + e.getMessage());
        }
        return pid;
    }

    /** The broker's pid if it runs and was launched by this folder's start. */
    public OptionalLong pid() {
        return LocalProcesses.runningPid(layout.pidFile(), List.of(DIR_FLAG + layout.dir()));
    }

    /** The status for a person: process, addresses, data, and the topics with their message counts. */
    public String status() {
        StringBuilder s = new StringBuilder();
        OptionalLong pid = pid();
        s.append("kafka broker in ").append(layout.dir()).append(": ")
                .append(pid.isPresent() ? "running (pid " + pid.getAsLong() + ")" : "not running")
                .append(", bootstrap ").append(layout.bootstrapServers())
                .append(", controller 127.0.0.1:").append(layout.controllerPort()).append('\n');
        s.append(String.format(Locale.ROOT, "  data %s, log %s%n", layout.dataDir(), layout.logFile()));
        if (pid.isEmpty()) {
            return s.toString();
        }
        return s.append(BrokerProbe.topics(layout)).toString();
    }

    // ---------------------------------------------------------------- the process

    private long launch(String classpath) throws BrokerException {
        List<String> cmd = List.of(LocalProcesses.java(), "-Xms" + layout.heap(), "-Xmx" + layout.heap(), "-XX:+UseG1GC",
                "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true",
                "-Dkafka.logs.dir=" + layout.dir().resolve("logs"),
                "-Dlog4j2.configurationFile=" + layout.confDir().resolve("log4j2.properties").toUri(),
                DIR_FLAG + layout.dir(),
                "-cp", classpath, MAIN, layout.confDir().resolve("server.properties").toString());
        try {
            long pid = LocalProcesses.launchDetached(cmd, layout.dir(), layout.outFile(), layout.pidFile());
            if (console != null) {
                console.println("  kafka broker pid " + pid);
            }
            return pid;
        } catch (IOException e) {
            throw new BrokerException("cannot start the kafka broker: " + e.getMessage());
        }
    }

    private static void checkPortFree(int port, String what) throws BrokerException {
        Optional<String> inUse = LocalProcesses.portInUse(port, what);
        if (inUse.isPresent()) {
            throw new BrokerException(inUse.get());
        }
    }

    /** SIGTERM, SIGKILL after {@code grace}; then waits a little for a killed broker, so its data folder is let go. */
    private static void terminate(long pid, Duration grace) {
        for (ProcessHandle killed : LocalProcesses.terminate(List.of(pid), grace)) {
            try {
                killed.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // reported by the next status
            }
        }
    }

    /** The innermost cause of a Kafka client's failure, as one line for a person. */
    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
