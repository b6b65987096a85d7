package org.fedflink.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The shape of a local standalone cluster and where it keeps its files. Everything lives in one
 * folder ({@link #dir()}), recorded in {@code cluster.json} so that later commands ({@code status},
 * {@code submit}, {@code stop}) find the ports:
 *
 * <pre>
 * cluster.json            this layout
 * conf/config.yaml        the effective Flink configuration (flink-conf/cluster/config.yaml + the keys below)
 * conf/log4j.properties   logging of every member
 * conf/zoo.cfg            ZooKeeper's configuration (--ha)
 * pids/MEMBER.pid         process ids of the members this folder's start launched
 * logs/MEMBER.log         each member's Flink log; logs/MEMBER.out its stdout and stderr
 * tmp/MEMBER/             io.tmp.dirs (RocksDB working files, spilled data)
 * checkpoints/, savepoints/  defaults for jobs that name no directory of their own
 * ha/, zookeeper/         high-availability storage and ZooKeeper's data (--ha; removed by stop)
 * </pre>
 *
 * Members are named {@code zookeeper}, {@code jobmanager-1} (and {@code jobmanager-2}, the
 * standby, with {@code --ha}) and {@code taskmanager-1..N}. JobManager i serves REST and the Web UI
 * on {@code restPort + i - 1}.
 */
public record ClusterLayout(Path dir, int taskManagers, int slots, boolean ha, int restPort, int rpcPort, int zkPort) {

    public static final String FILE = "cluster.json";
    /** ZooKeeper's session timeout: how long a dead leader keeps its leadership (so, about the failover time). */
    public static final int ZK_SESSION_TIMEOUT_MILLIS = 10_000;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ClusterLayout {
        Objects.requireNonNull(dir, "dir");
        dir = dir.toAbsolutePath().normalize();
        if (taskManagers < 1) {
            throw new IllegalArgumentException("taskmanagers must be at least 1, got " + taskManagers);
        }
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be at least 1, got " + slots);
        }
        for (int port : new int[] {restPort, rpcPort, zkPort}) {
            if (port < 1 || port > 65534) {
                throw new IllegalArgumentException("port must be within 1..65534, got " + port);
            }
        }
    }

    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    public Path confDir() {
        return dir.resolve("conf");
    }

    public Path logDir() {
        return dir.resolve("logs");
    }

    public Path pidDir() {
        return dir.resolve("pids");
    }

    public int jobManagers() {
        return ha ? 2 : 1;
    }

    /** The members in start order: ZooKeeper, JobManagers, TaskManagers. */
    public List<String> members() {
        List<String> members = new ArrayList<>();
        if (ha) {
            members.add("zookeeper");
        }
        for (int i = 1; i <= jobManagers(); i++) {
            members.add("jobmanager-" + i);
        }
        for (int i = 1; i <= taskManagers; i++) {
            members.add("taskmanager-" + i);
        }
        return members;
    }

    /** The REST (and Web UI) address of JobManager {@code i} (1-based). */
    public URI restUrl(int jobManager) {
        return URI.create("http://127.0.0.1:" + (restPort + jobManager - 1));
    }

    /** The REST addresses of all JobManagers. */
    public List<URI> restUrls() {
        List<URI> urls = new ArrayList<>();
        for (int i = 1; i <= jobManagers(); i++) {
            urls.add(restUrl(i));
        }
        return urls;
    }

    public Path logFile(String member) {
        return logDir().resolve(member + ".log");
    }

    public Path pidFile(String member) {
        return pidDir().resolve(member + ".pid");
    }

    /** Writes {@code cluster.json}. */
    public void save() throws IOException {
        Files.createDirectories(dir);
        ObjectNode node = JSON.createObjectNode()
                .put("taskManagers", taskManagers)
                .put("slots", slots)
                .put("ha", ha)
                .put("restPort", restPort)
                .put("rpcPort", rpcPort)
                .put("zkPort", zkPort);
        JSON.writeValue(dir.resolve(FILE).toFile(), node);
    }

    /** Reads the {@code cluster.json} of a cluster folder. */
    public static ClusterLayout load(Path dir) throws ClusterException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            throw new ClusterException("no cluster was started in " + dir.toAbsolutePath().normalize()
                    + " (no " + FILE + "); run: bin/fedflink cluster start");
        }
        try {
            JsonNode n = JSON.readTree(file.toFile());
            return new ClusterLayout(dir, n.path("taskManagers").asInt(), n.path("slots").asInt(),
                    n.path("ha").asBoolean(), n.path("restPort").asInt(), n.path("rpcPort").asInt(),
                    n.path("zkPort").asInt());
        } catch (IOException | IllegalArgumentException e) {
            throw new ClusterException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Builds a layout; the defaults are Flink's usual ports and 2 TaskManagers with 2 slots. */
    public static final class Builder {
        private final Path dir;
        private int taskManagers = 2;
        private int slots = 2;
        private boolean ha;
        private int restPort = 8081;
        private int rpcPort = 6123;
        private int zkPort = 2181;

        private Builder(Path dir) {
            this.dir = dir;
        }

        public Builder taskManagers(int n) {
            this.taskManagers = n;
            return this;
        }

        public Builder slots(int n) {
            this.slots = n;
            return this;
        }

        public Builder ha(boolean ha) {
            this.ha = ha;
            return this;
        }

        public Builder restPort(int port) {
            this.restPort = port;
            return this;
        }

        public Builder rpcPort(int port) {
            this.rpcPort = port;
            return this;
        }

        public Builder zkPort(int port) {
            this.zkPort = port;
            return this;
        }

        public ClusterLayout build() {
            return new ClusterLayout(dir, taskManagers, slots, ha, restPort, rpcPort, zkPort);
        }
    }
}
