package org.fedflink.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.fedflink.cluster.ClusterException;
import org.fedflink.cluster.ClusterLayout;
import org.fedflink.cluster.LocalCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fedflink cluster start|stop|status}: a standalone Flink session cluster on this machine. */
@Command(
        name = "cluster",
        mixinStandardHelpOptions = true,
        description = "A standalone Flink session cluster on this machine: JobManager(s), TaskManagers and, with --ha,"
                + " ZooKeeper as separate JVMs started from Maven jars. Files, pids and logs are in the cluster folder"
                + " (default: $FEDFLINK_HOME/cluster, or $FEDFLINK_CLUSTER_DIR).",
        subcommands = {ClusterCommand.Start.class, ClusterCommand.Stop.class, ClusterCommand.Status.class})
public final class ClusterCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The project folder: flink-conf/, target/ and the members' working directory. */
    static Path home() {
        String home = System.getenv("FEDFLINK_HOME");
        return Path.of(home != null ? home : ".").toAbsolutePath().normalize();
    }

    /** The cluster folder when none is given. */
    static Path defaultDir() {
        String dir = System.getenv("FEDFLINK_CLUSTER_DIR");
        return dir != null && !dir.isBlank() ? Path.of(dir) : home().resolve("cluster");
    }

    /** The cluster folder option every command that talks to the local cluster shares. */
    static final class DirOption {
        @Option(names = "--cluster", paramLabel = "DIR",
                description = "Cluster folder (default: $FEDFLINK_CLUSTER_DIR or $FEDFLINK_HOME/cluster).")
        Path dir;

        Path dir() {
            return dir != null ? dir.toAbsolutePath().normalize() : defaultDir().toAbsolutePath().normalize();
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Starts the cluster and waits until every TaskManager has registered. On a running cluster,"
                    + " restarts the members that died (e.g. a replacement for a killed TaskManager) and adds"
                    + " TaskManagers up to --taskmanagers.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the cluster is up", "1:it could not be started (the message names the log)"})
    static final class Start implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        DirOption dir = new DirOption();

        @Option(names = "--taskmanagers", paramLabel = "N", description = "TaskManagers (default: 2).")
        Integer taskManagers;

        @Option(names = "--slots", paramLabel = "N", description = "Task slots per TaskManager (default: 2).")
        Integer slots;

        @Option(names = "--ha", description = "JobManager high availability: ZooKeeper, a leader and a standby"
                + " JobManager (REST on --port and --port + 1), ZooKeeper session timeout 10 s.")
        boolean ha;

        @Option(names = "--port", paramLabel = "PORT", description = "REST / Web UI port of the first JobManager (default: 8081).")
        Integer port;

        @Option(names = "--rpc-port", paramLabel = "PORT", description = "JobManager RPC port without --ha (default: 6123).")
        Integer rpcPort;

        @Option(names = "--zk-port", paramLabel = "PORT", description = "ZooKeeper client port with --ha (default: 2181).")
        Integer zkPort;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
                description = "How long to wait for the TaskManagers to register (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Override
        public Integer call() throws Exception {
            Path folder = dir.dir();
            ClusterLayout layout;
            LocalCluster existing = Files.exists(folder.resolve(ClusterLayout.FILE))
                    ? new LocalCluster(home(), ClusterLayout.load(folder), System.out) : null;
            boolean running = existing != null && existing.members().stream().anyMatch(LocalCluster.Member::alive);
            try {
                if (running) {
                    ClusterLayout old = existing.layout();
                    if (ha != old.ha()) {
                        throw new ClusterException("the cluster in " + folder + " runs " + (old.ha() ? "with" : "without")
                                + " --ha; stop it first (bin/fedflink cluster stop)");
                    }
                    layout = ClusterLayout.builder(folder).ha(old.ha())
                            .taskManagers(Math.max(old.taskManagers(), taskManagers == null ? 0 : taskManagers))
                            .slots(old.slots()).restPort(old.restPort()).rpcPort(old.rpcPort()).zkPort(old.zkPort())
                            .build();
                } else {
                    ClusterLayout.Builder b = ClusterLayout.builder(folder).ha(ha);
                    if (taskManagers != null) {
                        b.taskManagers(taskManagers);
                    }
                    if (slots != null) {
                        b.slots(slots);
                    }
                    if (port != null) {
                        b.restPort(port);
                    }
                    if (rpcPort != null) {
                        b.rpcPort(rpcPort);
                    }
                    if (zkPort != null) {
                        b.zkPort(zkPort);
                    }
                    layout = b.build();
                }
            } catch (IllegalArgumentException e) {
                System.err.println("error: " + e.getMessage());
                return 2;
            } catch (ClusterException e) {
                System.err.println("error: " + e.getMessage());
                return 1;
            }
            try {
                System.out.println(new LocalCluster(home(), layout, System.out).start(Duration.ofSeconds(timeoutSeconds)));
                return 0;
            } catch (ClusterException e) {
                System.err.println("error: " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stops every member the cluster folder's start launched (SIGTERM, SIGKILL after 20 s) and"
                    + " removes its high-availability data; running jobs end with it.")
    static final class Stop implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        DirOption dir = new DirOption();

        @Override
        public Integer call() throws Exception {
            Path folder = dir.dir();
            if (!Files.exists(folder.resolve(ClusterLayout.FILE))) {
                System.out.println("no cluster was started in " + folder);
                return 0;
            }
            LocalCluster cluster = new LocalCluster(home(), ClusterLayout.load(folder), System.out);
            List<LocalCluster.Member> stopped = cluster.stop();
            if (stopped.isEmpty()) {
                System.out.println("no cluster member was running in " + folder);
            }
            for (LocalCluster.Member m : stopped) {
                System.out.println("stopped " + m.name() + " (pid " + m.pid() + ")");
            }
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Shows the members (pids, leader with --ha), TaskManagers, slots and jobs (Flink REST).",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:a JobManager answers", "1:no member is running"})
    static final class Status implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        DirOption dir = new DirOption();

        @Override
        public Integer call() throws Exception {
            Path folder = dir.dir();
            if (!Files.exists(folder.resolve(ClusterLayout.FILE))) {
                System.out.println("no cluster was started in " + folder);
                return 1;
            }
            LocalCluster cluster = new LocalCluster(home(), ClusterLayout.load(folder), System.out);
            System.out.println(cluster.status());
            return cluster.members().stream().anyMatch(LocalCluster.Member::alive) ? 0 : 1;
        }
    }
}
