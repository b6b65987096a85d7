package org.fedflink.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.fedflink.io.FileTrees;

/**
 * A standalone Flink session cluster on this machine, its members started as separate JVMs from
 * Maven jars (there is no Flink tarball): {@code StandaloneSessionClusterEntrypoint} for each
 * JobManager, {@code TaskManagerRunner} for each TaskManager and, for high availability,
 * {@code FlinkZooKeeperQuorumPeer}. JVM memory flags are computed by Flink's own
 * {@code BashJavaUtils}, exactly as its shell scripts do ({@link MemoryParams}). Files live in the
 * {@link ClusterLayout}'s folder; every member carries {@code -Dfedflink.cluster=DIR
 * -Dfedflink.member=NAME} on its command line, so {@link #stop()} signals only processes this
 * folder's start launched, even if a pid was reused ({@link MemberProcesses}).
 */
public final class LocalCluster {

    /** The {@code --add-opens}/{@code --add-exports} of Flink's {@code env.java.default-opts.all}: Flink 2.x needs them on Java 17. */
    public static final List<String> JAVA_OPENS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    static final String JOBMANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    static final String TASKMANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";

    private final Path home;
    private final ClusterLayout layout;
    private final MemberProcesses processes;
    private final HighAvailability ha;
    private final ClusterReadiness readiness;

    /**
     * @param home the project folder ({@code FEDFLINK_HOME}): holds {@code flink-conf/cluster/} and is
     *     the members' working directory, so relative paths in job specs resolve as they do locally
     * @param layout the cluster's shape and folder
     * @param console where progress lines go (may be null)
     */
    public LocalCluster(Path home, ClusterLayout layout, PrintStream console) {
        this.home = home.toAbsolutePath().normalize();
        this.layout = layout;
        this.processes = new MemberProcesses(this.home, layout, console);
        this.ha = new HighAvailability(layout, processes);
        this.readiness = new ClusterReadiness(layout, processes);
    }

    public ClusterLayout layout() {
        return layout;
    }

    /** A running member: its name, pid and whether it is alive. */
    public record Member(String name, long pid, boolean alive) {}

    /**
     * Starts every member of the layout that is not running and waits until all TaskManagers have
     * registered with the JobManager. On a cluster that is already up this restarts only what died
     * (a replacement for a killed TaskManager or JobManager) and adds TaskManagers the layout has
     * beyond the running ones.
     *
     * @return a one-line description of what was started
     * @throws ClusterException if a port is taken, a member exits during the start, or the
     *     TaskManagers do not register within {@code timeout}; members started by this call are
     *     stopped again and the message names the log to read
     */
    public String start(Duration timeout) throws ClusterException {
        long begin = System.nanoTime();
        List<String> missing = new ArrayList<>();
        boolean fresh = true;
        for (String member : layout.members()) {
            if (pidOf(member).isPresent()) {
                fresh = false;
            } else {
                missing.add(member);
            }
        }
        if (missing.isEmpty()) {
            return "the cluster in " + layout.dir() + " is already running (" + layout.members().size() + " members)";
        }
        if (fresh) {
            checkPortsFree();
        }
        String classpath = FlinkClasspath.resolve(home);
        List<String> started = new ArrayList<>();
        try {
            if (fresh) {
                prepareFolder();
            }
            try {
                layout.save();
            } catch (IOException e) {
                throw new ClusterException("cannot write " + layout.dir().resolve(ClusterLayout.FILE) + ": " + e.getMessage());
            }
            MemoryParams tmParams = null;
            MemoryParams jmParams = null;
            for (String member : missing) {
                if (member.equals("zookeeper")) {
                    ha.launchZooKeeper(classpath);
                    started.add(member);
                    readiness.awaitZooKeeper(Duration.ofSeconds(60));
                } else if (member.startsWith("jobmanager-")) {
                    jmParams = jmParams != null ? jmParams : MemoryParams.compute(layout, classpath, MemoryParams.JOBMANAGER);
                    int index = Integer.parseInt(member.substring("jobmanager-".length()));
                    List<String> args = new ArrayList<>(List.of("--configDir", layout.confDir().toString()));
                    args.addAll(jmParams.dynamicConfigs());
                    args.addAll(List.of("-D", "rest.port=" + (layout.restPort() + index - 1),
                            "-D", "io.tmp.dirs=" + tmpDir(member), "-D", "web.tmpdir=" + tmpDir(member)));
                    processes.launch(member, classpath, jmParams.jvmFlags(), JOBMANAGER_MAIN, args);
                    started.add(member);
                } else {
                    tmParams = tmParams != null ? tmParams : MemoryParams.compute(layout, classpath, MemoryParams.TASKMANAGER);
                    List<String> args = new ArrayList<>(List.of("--configDir", layout.confDir().toString()));
                    args.addAll(tmParams.dynamicConfigs());
                    args.addAll(List.of("-D", "taskmanager.resource-id=" + member, "-D", "io.tmp.dirs=" + tmpDir(member)));
                    processes.launch(member, classpath, tmParams.jvmFlags(), TASKMANAGER_MAIN, args);
                    started.add(member);
                }
            }
            readiness.awaitTaskManagers(started, timeout, rest());
        } catch (ClusterException e) {
            for (String member : started) {
                pidOf(member).ifPresent(pid -> LocalProcesses.terminate(List.of(pid), Duration.ofSeconds(10)));
            }
            throw e;
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        return String.format(Locale.ROOT, "%s %s in %.1f s: %s; Web UI %s; logs in %s",
                fresh ? "started" : "restarted", String.join(", ", started), seconds, shape(),
                layout.restUrl(1), layout.logDir());
    }

    private String shape() {
        return (layout.ha() ? layout.jobManagers() + " JobManagers (ZooKeeper HA on 127.0.0.1:" + layout.zkPort() + ")"
                : "1 JobManager") + ", " + layout.taskManagers() + " TaskManagers x " + layout.slots() + " slots";
    }

    /**
     * Stops every member this folder's start launched (TaskManagers first, ZooKeeper last): SIGTERM,
     * then SIGKILL for what is still alive after 20 s. Removes the pid files and the
     * high-availability data (ZooKeeper's and the HA storage), so the next start does not recover the
     * stopped jobs.
     *
     * @return the members that were running
     */
    public List<Member> stop() throws ClusterException {
        List<Member> running = new ArrayList<>();
        List<String> order = new ArrayList<>(processes.onDisk());
        order.sort(Comparator.comparingInt(MemberProcesses::stopRank).thenComparing(Comparator.naturalOrder()));
        for (String member : order) {
            pidOf(member).ifPresent(pid -> running.add(new Member(member, pid, true)));
        }
        // TaskManagers and JobManagers first, so that nothing is left talking to a dead ZooKeeper
        List<Long> flink = running.stream().filter(m -> !m.name().equals("zookeeper")).map(Member::pid).toList();
        List<Long> zk = running.stream().filter(m -> m.name().equals("zookeeper")).map(Member::pid).toList();
        LocalProcesses.terminate(flink, Duration.ofSeconds(20));
        LocalProcesses.terminate(zk, Duration.ofSeconds(10));
        try {
            clearRunState();
        } catch (IOException e) {
            throw new ClusterException("stopped the members but could not clean " + layout.dir() + ": " + e.getMessage());
        }
        return running;
    }

    /** Every member with a pid file in this folder, alive or not. */
    public List<Member> members() {
        List<Member> members = new ArrayList<>();
        for (String member : processes.onDisk()) {
            OptionalLong pid = processes.recordedPid(member);
            members.add(new Member(member, pid.orElse(-1), pidOf(member).isPresent()));
        }
        return members;
    }

    /** The pid of a member if it is alive and was launched by this folder's start. */
    public OptionalLong pidOf(String member) {
        return processes.pidOf(member);
    }

    /**
     * The JobManager that leads, with high availability: the live one whose log last says it was
     * granted leadership (a standby's REST forwards to the leader, so REST does not tell).
     */
    public Optional<String> leader() {
        return ha.leader();
    }

    /** A REST client over all JobManagers. */
    public FlinkRest rest() {
        return new FlinkRest(layout.restUrls());
    }

    /** The status for a person: members, TaskManagers and slots, jobs. */
    public String status() {
        StringBuilder s = new StringBuilder();
        s.append("cluster in ").append(layout.dir()).append(": ").append(shape()).append('\n');
        Optional<String> leader = layout.ha() ? leader() : Optional.empty();
        for (Member m : members()) {
            s.append(String.format(Locale.ROOT, "  %-14s %-10s %s", m.name(),
                    m.pid() < 0 ? "" : "pid " + m.pid(), m.alive() ? "running" : "not running"));
            if (m.name().startsWith("jobmanager-")) {
                int index = Integer.parseInt(m.name().substring("jobmanager-".length()));
                s.append("  ").append(layout.restUrl(index));
                if (layout.ha() && m.alive()) {
                    s.append(leader.filter(m.name()::equals).isPresent() ? "  leader" : "  standby");
                }
            }
            s.append('\n');
        }
        FlinkRest rest = rest();
        try {
            JsonNode o = rest.get("/overview");
            s.append(String.format(Locale.ROOT,
                    "Flink %s: %d TaskManagers, %d slots (%d available); jobs: %d running, %d finished, %d cancelled, %d failed%n",
                    o.path("flink-version").asText(), o.path("taskmanagers").asInt(), o.path("slots-total").asInt(),
                    o.path("slots-available").asInt(), o.path("jobs-running").asInt(), o.path("jobs-finished").asInt(),
                    o.path("jobs-cancelled").asInt(), o.path("jobs-failed").asInt()));
            JsonNode jobs = rest.get("/jobs/overview").path("jobs");
            if (!jobs.isEmpty()) {
                s.append(String.format(Locale.ROOT, "  %-32s  %-10s  %9s  %s%n", "JOB ID", "STATE", "DURATION", "NAME"));
                for (JsonNode job : jobs) {
                    s.append(String.format(Locale.ROOT, "  %-32s  %-10s  %8.1fs  %s%n", job.path("jid").asText(),
                            job.path("state").asText(), job.path("duration").asLong() / 1000.0, job.path("name").asText()));
                }
            }
            s.append("Web UI ").append(rest.current()).append('\n');
        } catch (IOException e) {
            s.append("REST does not answer: ").append(e.getMessage()).append('\n');
        }
        s.append("logs in ").append(layout.logDir());
        return s.toString();
    }

    // ---------------------------------------------------------------- the folder

    private void prepareFolder() throws ClusterException {
        try {
            Files.createDirectories(layout.confDir());
            Files.createDirectories(layout.logDir());
            Files.createDirectories(layout.pidDir());
            // left over by a cluster that was not stopped: its jobs must not come back
            clearRunState();
            FlinkConfigFiles.write(home, layout);
            if (layout.ha()) {
                ha.writeZooKeeperConfig();
            }
        } catch (IOException e) {
            throw new ClusterException("cannot prepare " + layout.dir() + ": " + e.getMessage());
        }
    }

    /**
     * Removes what a run leaves behind: the pid files, the high-availability storage and ZooKeeper's
     * data (from which a later start would recover the run's jobs) and the members' temporary files.
     */
    private void clearRunState() throws IOException {
        processes.deletePidFiles();
        FileTrees.deleteRecursively(layout.dir().resolve("ha"));
        FileTrees.deleteRecursively(layout.dir().resolve("zookeeper"));
        FileTrees.deleteRecursively(layout.dir().resolve("tmp"));
    }

    private void checkPortsFree() throws ClusterException {
        Map<Integer, String> ports = new LinkedHashMap<>();
        for (int i = 1; i <= layout.jobManagers(); i++) {
            ports.put(layout.restPort() + i - 1, "the REST port of jobmanager-" + i + " (--port)");
        }
        if (layout.ha()) {
            ports.put(layout.zkPort(), "ZooKeeper's port (--zk-port)");
        } else {
            ports.put(layout.rpcPort(), "the JobManager's RPC port (--rpc-port)");
        }
        for (Map.Entry<Integer, String> p : ports.entrySet()) {
            Optional<String> inUse = LocalProcesses.portInUse(p.getKey(), p.getValue());
            if (inUse.isPresent()) {
                throw new ClusterException(inUse.get());
            }
        }
    }

    private String tmpDir(String member) throws ClusterException {
        Path dir = layout.dir().resolve("tmp").resolve(member);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ClusterException("cannot create " + dir + ": " + e.getMessage());
        }
        return dir.toString();
    }
}
