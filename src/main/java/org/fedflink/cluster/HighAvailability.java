package org.fedflink.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What {@code --ha} adds to a local cluster: one standalone ZooKeeper on the loopback (its
 * {@code zoo.cfg} and its start), the Flink keys that point the JobManagers at it, and which of the
 * JobManagers leads.
 */
final class HighAvailability {

    static final String ZOOKEEPER_MAIN = "org.apache.flink.runtime.zookeeper.FlinkZooKeeperQuorumPeer";

    private final ClusterLayout layout;
    private final MemberProcesses processes;

    HighAvailability(ClusterLayout layout, MemberProcesses processes) {
        this.layout = layout;
        this.processes = processes;
    }

    /** The keys of Flink's configuration that make the JobManagers elect a leader through the ZooKeeper. */
    static Map<String, String> flinkConfig(ClusterLayout layout) {
        Map<String, String> set = new LinkedHashMap<>();
        set.put("high-availability.type", "zookeeper");
        set.put("high-availability.storageDir", layout.dir().resolve("ha").toUri().toString());
        set.put("high-availability.cluster-id", "/fedflink");
        set.put("high-availability.zookeeper.quorum", "127.0.0.1:" + layout.zkPort());
        set.put("high-availability.zookeeper.path.root", "/flink");
        set.put("high-availability.zookeeper.client.session-timeout", ClusterLayout.ZK_SESSION_TIMEOUT_MILLIS + " ms");
        // a plain loopback ZooKeeper: no SASL attempt (and no "authentication failed" noise in every log)
        set.put("zookeeper.sasl.disable", "true");
        return set;
    }

    /** Writes {@code conf/zoo.cfg} and creates ZooKeeper's data folder. */
    void writeZooKeeperConfig() throws IOException {
        Files.createDirectories(layout.dir().resolve("zookeeper"));
        Files.writeString(zooCfg(), String.join("\n",
                "# written by bin/fedflink cluster start: one standalone ZooKeeper server on the loopback",
                "tickTime=1000",
                "initLimit=10",
                "syncLimit=5",
                "minSessionTimeout=2000",
                "maxSessionTimeout=60000",
                "dataDir=" + layout.dir().resolve("zookeeper"),
                "clientPort=" + layout.zkPort(),
                "clientPortAddress=127.0.0.1",
                "admin.enableServer=false",
                "4lw.commands.whitelist=ruok,srvr",
                ""), StandardCharsets.UTF_8);
    }

    private Path zooCfg() {
        return layout.confDir().resolve("zoo.cfg");
    }

    /** Launches the {@code zookeeper} member; it answers once {@link ClusterReadiness#awaitZooKeeper} returns. */
    void launchZooKeeper(String classpath) throws ClusterException {
        processes.launch("zookeeper", classpath, List.of("-Xms128m", "-Xmx128m"), ZOOKEEPER_MAIN,
                List.of("--zkConfigFile", zooCfg().toString(), "--peerId", "1"));
    }

    /**
     * The JobManager that leads: the live one whose log last says it was granted leadership (a
     * standby's REST forwards to the leader, so REST does not tell).
     */
    Optional<String> leader() {
        for (int i = 1; i <= layout.jobManagers(); i++) {
            String member = "jobmanager-" + i;
            if (processes.pidOf(member).isEmpty()) {
                continue;
            }
            try (Stream<String> lines = Files.lines(layout.logFile(member), StandardCharsets.UTF_8)) {
                String last = lines.filter(l -> l.contains("was granted leadership") || l.contains("was revoked leadership"))
                        .reduce((a, b) -> b).orElse("");
                if (last.contains("was granted leadership")) {
                    return Optional.of(member);
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // no log yet: not the leader
            }
        }
        return Optional.empty();
    }
}
