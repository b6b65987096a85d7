package org.fedflink.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.fedflink.cluster.LocalProcesses;
import org.fedflink.io.FileTrees;
import org.fedflink.cluster.ClusterException;
import org.fedflink.cluster.FlinkClasspath;

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
    static final String CONF = "flink-conf/kafka";
    static final String MAIN = "kafka.Kafka";
    static final String STORAGE_TOOL = "kafka.tools.StorageTool";
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
        boolean formatted;
        try {
            Files.createDirectories(layout.confDir());
            Files.createDirectories(layout.dir().resolve("logs"));
            Files.createDirectories(layout.dir().resolve("pids"));
            layout.save();
            writeServerProperties();
            Files.copy(home.resolve(CONF).resolve("log4j2.properties"), layout.confDir().resolve("log4j2.properties"),
                    StandardCopyOption.REPLACE_EXISTING);
            formatted = Files.exists(layout.dataDir().resolve("meta.properties"));
            FileTrees.rotate(layout.logFile());
            FileTrees.rotate(layout.outFile());
        } catch (IOException e) {
            throw new BrokerException("cannot prepare " + layout.dir() + ": " + e.getMessage());
        }
        if (!formatted) {
            format(classpath);
        }
        long pid = launch(classpath);
        try {
            awaitReady(timeout);
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
        OptionalLong pid;
        try {
            pid = OptionalLong.of(Long.parseLong(Files.readString(layout.pidFile()).trim()));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid.getAsLong());
        if (handle.isEmpty() || !handle.get().isAlive() || !isOurs(pid.getAsLong())) {
            return OptionalLong.empty();
        }
        return pid;
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
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, layout.bootstrapServers());
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        try (Admin admin = Admin.create(props)) {
            List<String> names = admin.listTopics().names().get(10, TimeUnit.SECONDS).stream().sorted().toList();
            if (names.isEmpty()) {
                s.append("  no topics\n");
                return s.toString();
            }
            Map<String, TopicDescription> topics = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> earliest = new LinkedHashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            topics.values().forEach(t -> t.partitions().forEach(p -> {
                earliest.put(new TopicPartition(t.name(), p.partition()), OffsetSpec.earliest());
                latest.put(new TopicPartition(t.name(), p.partition()), OffsetSpec.latest());
            }));
            var first = admin.listOffsets(earliest).all().get(10, TimeUnit.SECONDS);
            var last = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            Map<String, Long> counts = new TreeMap<>();
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : last.entrySet()) {
                counts.merge(e.getKey().topic(), e.getValue().offset() - first.get(e.getKey()).offset(), Long::sum);
            }
            // offsets, not messages: a transactional topic's commit markers take offsets too
            s.append(String.format(Locale.ROOT, "  %-40s %10s %14s%n", "TOPIC", "PARTITIONS", "OFFSETS"));
            for (String name : names) {
                s.append(String.format(Locale.ROOT, "  %-40s %10d %14d%n", name, topics.get(name).partitions().size(),
                        counts.getOrDefault(name, 0L)));
            }
        } catch (Exception e) {
            s.append("  the broker does not answer: ").append(rootMessage(e)).append('\n');
        }
        return s.toString();
    }

    // ---------------------------------------------------------------- start

    /** {@code conf/server.properties}: the project's template plus this start's node, listeners and folders. */
    private void writeServerProperties() throws IOException {
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(home.resolve(CONF).resolve("server.properties"), StandardCharsets.UTF_8)) {
            props.load(in);
        }
        Map<String, String> set = new LinkedHashMap<>();
        set.put("node.id", "1");
        set.put("controller.quorum.voters", "1@127.0.0.1:" + layout.controllerPort());
        set.put("listeners", "PLAINTEXT://127.0.0.1:" + layout.port() + ",CONTROLLER://127.0.0.1:"
                + layout.controllerPort());
        set.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + layout.port());
        set.put("log.dirs", layout.dataDir().toString());
        set.forEach(props::setProperty);
        StringBuilder text = new StringBuilder(
                "# Written by bin/fedflink kafka start from flink-conf/kafka/server.properties (edit that one).\n");
        new TreeMap<>(props).forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(layout.confDir().resolve("server.properties"), text, StandardCharsets.UTF_8);
    }

    /** Formats the KRaft storage of a new data folder with a fresh cluster id. */
    private void format(String classpath) throws BrokerException {
        say("  formatting " + layout.dataDir());
        List<String> cmd = new ArrayList<>(List.of(LocalProcesses.java(), "-Xmx256m",
                "-Dkafka.logs.dir=" + layout.dir().resolve("logs"),
                "-Dlog4j2.configurationFile=" + layout.confDir().resolve("log4j2.properties").toUri(),
                "-cp", classpath, STORAGE_TOOL, "format", "-t", Uuid.randomUuid().toString(),
                "-c", layout.confDir().resolve("server.properties").toString()));
        Path log = layout.dir().resolve("logs").resolve("format.out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new BrokerException("formatting the broker's storage failed; see " + log);
            }
        } catch (IOException e) {
            throw new BrokerException("cannot run kafka's StorageTool: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException("interrupted while formatting the broker's storage");
        }
    }

    private long launch(String classpath) throws BrokerException {
        List<String> cmd = new ArrayList<>();
        // its own session: the broker outlives this command and a Ctrl-C in the terminal that started it
        if (new File("/usr/bin/setsid").canExecute() || new File("/bin/setsid").canExecute()) {
            cmd.add("setsid");
        }
        cmd.addAll(List.of(LocalProcesses.java(), "-Xms" + layout.heap(), "-Xmx" + layout.heap(), "-XX:+UseG1GC",
                "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true",
                "-Dkafka.logs.dir=" + layout.dir().resolve("logs"),
                "-Dlog4j2.configurationFile=" + layout.confDir().resolve("log4j2.properties").toUri(),
                DIR_FLAG + layout.dir(),
                "-cp", classpath, MAIN, layout.confDir().resolve("server.properties").toString()));
        try {
            Process process = new ProcessBuilder(cmd)
                    .directory(layout.dir().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(layout.outFile().toFile()))
                    .redirectErrorStream(true)
                    .start();
            Files.writeString(layout.pidFile(), process.pid() + "\n", StandardCharsets.UTF_8);
            say("  kafka broker pid " + process.pid());
            return process.pid();
        } catch (IOException e) {
            throw new BrokerException("cannot start the kafka broker: " + e.getMessage());
        }
    }

    /** Waits until the broker answers a metadata request (it then accepts produce and fetch requests). */
    private void awaitReady(Duration timeout) throws BrokerException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, layout.bootstrapServers());
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        props.setProperty(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        String last = "no answer";
        try (Admin admin = Admin.create(props)) {
            while (System.nanoTime() < deadline) {
                if (pid().isEmpty()) {
                    throw new BrokerException("the kafka broker exited during the start; see " + layout.logFile()
                            + " and " + layout.outFile());
                }
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    last = rootMessage(e);
                }
                sleep(300);
            }
        }
        throw new BrokerException("the kafka broker did not answer on " + layout.bootstrapServers() + " within "
                + timeout.toSeconds() + " s (" + last + "); see " + layout.logFile());
    }

    // ---------------------------------------------------------------- processes

    private static void checkPortFree(int port, String what) throws BrokerException {
        if (!LocalProcesses.portFree(port)) {
            throw new BrokerException("port " + port + ", " + what + ", is in use; choose another");
        }
    }

    private boolean isOurs(long pid) {
        return LocalProcesses.commandLine(pid).contains(DIR_FLAG + layout.dir());
    }

    private static void terminate(long pid, Duration grace) {
        ProcessHandle.of(pid).ifPresent(h -> {
            h.destroy();
            try {
                h.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
                try {
                    h.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // reported by the next status
                }
            }
        });
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    private void say(String line) {
        if (console != null) {
            console.println(line);
        }
    }

    private static void sleep(long millis) throws BrokerException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException("interrupted");
        }
    }
}
