package org.fedflink.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.fedflink.io.FileTrees;

/**
 * A standalone Flink session cluster on this machine, its members started as separate JVMs from
 * Maven jars (there is no Flink tarball): {@code StandaloneSessionClusterEntrypoint} for each
 * JobManager, {@code TaskManagerRunner} for each TaskManager and, for high availability,
 * {@code FlinkZooKeeperQuorumPeer}. JVM memory flags are computed by Flink's own
 * {@code BashJavaUtils}, exactly as its shell scripts do. Files live in the {@link ClusterLayout}'s
 * folder; every member carries {@code -Dfedflink.cluster=DIR -Dfedflink.member=NAME} on its command
 * line, so {@link #stop()} signals only processes this folder's start launched, even if a pid was
 * reused.
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
    static final String ZOOKEEPER_MAIN = "org.apache.flink.runtime.zookeeper.FlinkZooKeeperQuorumPeer";
    static final String BASH_JAVA_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
    private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";
    private static final String CLUSTER_FLAG = "-Dfedflink.cluster=";
    private static final String MEMBER_FLAG = "-Dfedflink.member=";

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build();

    private final Path home;
    private final ClusterLayout layout;
    private final PrintStream console;

    /**
     * @param home the project folder ({@code FEDFLINK_HOME}): holds {@code flink-conf/cluster/} and is
     *     the members' working directory, so relative paths in job specs resolve as they do locally
     * @param layout the cluster's shape and folder
     * @param console where progress lines go (may be null)
     */
    public LocalCluster(Path home, ClusterLayout layout, PrintStream console) {
        this.home = home.toAbsolutePath().normalize();
        this.layout = layout;
        this.console = console;
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
            List<String> tmFlags = null;
            List<String> jmFlags = null;
            for (String member : missing) {
                if (member.equals("zookeeper")) {
                    launch(member, classpath, List.of("-Xms128m", "-Xmx128m"), ZOOKEEPER_MAIN,
                            List.of("--zkConfigFile", layout.confDir().resolve("zoo.cfg").toString(), "--peerId", "1"));
                    started.add(member);
                    awaitZooKeeper(Duration.ofSeconds(60));
                } else if (member.startsWith("jobmanager-")) {
                    jmFlags = jmFlags != null ? jmFlags : resourceParams(classpath, "GET_JM_RESOURCE_PARAMS");
                    int index = Integer.parseInt(member.substring("jobmanager-".length()));
                    List<String> args = new ArrayList<>(List.of("--configDir", layout.confDir().toString()));
                    args.addAll(dynamic(jmFlags));
                    args.addAll(List.of("-D", "rest.port=" + (layout.restPort() + index - 1),
                            "-D", "io.tmp.dirs=" + tmpDir(member), "-D", "web.tmpdir=" + tmpDir(member)));
                    launch(member, classpath, jvm(jmFlags), JOBMANAGER_MAIN, args);
                    started.add(member);
                } else {
                    tmFlags = tmFlags != null ? tmFlags : resourceParams(classpath, "GET_TM_RESOURCE_PARAMS");
                    List<String> args = new ArrayList<>(List.of("--configDir", layout.confDir().toString()));
                    args.addAll(dynamic(tmFlags));
                    args.addAll(List.of("-D", "taskmanager.resource-id=" + member, "-D", "io.tmp.dirs=" + tmpDir(member)));
                    launch(member, classpath, jvm(tmFlags), TASKMANAGER_MAIN, args);
                    started.add(member);
                }
            }
            awaitTaskManagers(started, timeout);
        } catch (ClusterException e) {
            for (String member : started) {
                pidOf(member).ifPresent(pid -> terminate(List.of(new Member(member, pid, true)), Duration.ofSeconds(10)));
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
        List<String> order = new ArrayList<>(membersOnDisk());
        order.sort(Comparator.comparingInt(LocalCluster::stopRank).thenComparing(Comparator.naturalOrder()));
        for (String member : order) {
            pidOf(member).ifPresent(pid -> running.add(new Member(member, pid, true)));
        }
        // TaskManagers and JobManagers first, so that nothing is left talking to a dead ZooKeeper
        List<Member> flink = running.stream().filter(m -> !m.name().equals("zookeeper")).toList();
        List<Member> zk = running.stream().filter(m -> m.name().equals("zookeeper")).toList();
        terminate(flink, Duration.ofSeconds(20));
        terminate(zk, Duration.ofSeconds(10));
        try {
            for (String member : membersOnDisk()) {
                Files.deleteIfExists(layout.pidFile(member));
            }
            FileTrees.deleteRecursively(layout.dir().resolve("ha"));
            FileTrees.deleteRecursively(layout.dir().resolve("zookeeper"));
            FileTrees.deleteRecursively(layout.dir().resolve("tmp"));
        } catch (IOException e) {
            throw new ClusterException("stopped the members but could not clean " + layout.dir() + ": " + e.getMessage());
        }
        return running;
    }

    private static int stopRank(String member) {
        return member.startsWith("taskmanager-") ? 0 : member.startsWith("jobmanager-") ? 1 : 2;
    }

    /** Every member with a pid file in this folder, alive or not. */
    public List<Member> members() {
        List<Member> members = new ArrayList<>();
        for (String member : membersOnDisk()) {
            OptionalLong pid = readPid(member);
            members.add(new Member(member, pid.orElse(-1), pidOf(member).isPresent()));
        }
        return members;
    }

    /** The pid of a member if it is alive and was launched by this folder's start. */
    public OptionalLong pidOf(String member) {
        OptionalLong pid = readPid(member);
        if (pid.isEmpty()) {
            return pid;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid.getAsLong());
        if (handle.isEmpty() || !handle.get().isAlive() || !isOurs(pid.getAsLong(), member)) {
            return OptionalLong.empty();
        }
        return pid;
    }

    /**
     * The JobManager that leads, with high availability: the live one whose log last says it was
     * granted leadership (a standby's REST forwards to the leader, so REST does not tell).
     */
    public Optional<String> leader() {
        for (int i = 1; i <= layout.jobManagers(); i++) {
            String member = "jobmanager-" + i;
            if (pidOf(member).isEmpty()) {
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

    // ---------------------------------------------------------------- starting

    private void prepareFolder() throws ClusterException {
        try {
            Files.createDirectories(layout.confDir());
            Files.createDirectories(layout.logDir());
            Files.createDirectories(layout.pidDir());
            for (String member : membersOnDisk()) {
                Files.deleteIfExists(layout.pidFile(member));
            }
            // left over by a cluster that was not stopped: its jobs must not come back
            FileTrees.deleteRecursively(layout.dir().resolve("ha"));
            FileTrees.deleteRecursively(layout.dir().resolve("zookeeper"));
            FileTrees.deleteRecursively(layout.dir().resolve("tmp"));
            Path base = home.resolve("flink-conf/cluster");
            Files.copy(base.resolve("log4j.properties"), layout.confDir().resolve("log4j.properties"),
                    StandardCopyOption.REPLACE_EXISTING);
            writeConfig(base.resolve("config.yaml"));
            if (layout.ha()) {
                Files.createDirectories(layout.dir().resolve("zookeeper"));
                Files.writeString(layout.confDir().resolve("zoo.cfg"), String.join("\n",
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
        } catch (IOException e) {
            throw new ClusterException("cannot prepare " + layout.dir() + ": " + e.getMessage());
        }
    }

    /**
     * Writes {@code conf/config.yaml}: the project's cluster configuration, flattened to dotted keys
     * (Flink's YAML reader accepts both forms), with the keys that depend on this start.
     */
    private void writeConfig(Path base) throws IOException {
        Map<String, JsonNode> flat = new LinkedHashMap<>();
        JsonNode tree = YAML.readTree(base.toFile());
        if (tree != null) {
            flatten("", tree, flat);
        }
        Map<String, String> set = new LinkedHashMap<>();
        set.put("rest.port", String.valueOf(layout.restPort()));
        set.put("jobmanager.rpc.port", String.valueOf(layout.rpcPort()));
        set.put("taskmanager.numberOfTaskSlots", String.valueOf(layout.slots()));
        set.put("execution.checkpointing.dir", layout.dir().resolve("checkpoints").toUri().toString());
        set.put("execution.checkpointing.savepoint-dir", layout.dir().resolve("savepoints").toUri().toString());
        if (layout.ha()) {
            set.put("high-availability.type", "zookeeper");
            set.put("high-availability.storageDir", layout.dir().resolve("ha").toUri().toString());
            set.put("high-availability.cluster-id", "/fedflink");
            set.put("high-availability.zookeeper.quorum", "127.0.0.1:" + layout.zkPort());
            set.put("high-availability.zookeeper.path.root", "/flink");
            set.put("high-availability.zookeeper.client.session-timeout", ClusterLayout.ZK_SESSION_TIMEOUT_MILLIS + " ms");
            // a plain loopback ZooKeeper: no SASL attempt (and no "authentication failed" noise in every log)
            set.put("zookeeper.sasl.disable", "true");
        }
        set.forEach((k, v) -> flat.put(k, TextNode.valueOf(v)));
        ObjectNode out = YAML.createObjectNode();
        flat.forEach(out::set);
        String header = "# Written by bin/fedflink cluster start from flink-conf/cluster/config.yaml (edit that one).\n";
        Files.writeString(layout.confDir().resolve("config.yaml"), header + YAML.writeValueAsString(out),
                StandardCharsets.UTF_8);
    }

    private static void flatten(String prefix, JsonNode node, Map<String, JsonNode> into) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), into);
            }
        } else {
            into.put(prefix, node);
        }
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
            if (!LocalProcesses.portFree(p.getKey())) {
                throw new ClusterException("port " + p.getKey() + ", " + p.getValue() + ", is in use; choose another");
            }
        }
    }

    /** {@code [jvm params, dynamic configs]} as Flink's scripts compute them from the configuration. */
    private List<String> resourceParams(String classpath, String command) throws ClusterException {
        List<String> cmd = new ArrayList<>(List.of(LocalProcesses.java(), "-Xmx128m",
                "-Dlog.file=" + layout.logDir().resolve("bash-java-utils.log"),
                "-Dlog4j.configurationFile=" + layout.confDir().resolve("log4j.properties").toUri(),
                "-cp", classpath, BASH_JAVA_UTILS, command, "--configDir", layout.confDir().toString()));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new ClusterException("flink's BashJavaUtils " + command + " failed: "
                        + output.lines().reduce((a, b) -> b).orElse("no output") + " (see " + layout.logDir() + ")");
            }
            List<String> results = output.lines().filter(l -> l.startsWith(RESULT_PREFIX))
                    .map(l -> l.substring(RESULT_PREFIX.length()).trim()).toList();
            if (results.size() < 2) {
                throw new ClusterException("flink's BashJavaUtils " + command + " printed no memory settings: "
                        + output.lines().reduce((a, b) -> b).orElse(""));
            }
            return results.subList(results.size() - 2, results.size());
        } catch (IOException e) {
            throw new ClusterException("cannot run flink's BashJavaUtils: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while computing the memory settings");
        }
    }

    private static List<String> jvm(List<String> params) {
        return Arrays.stream(params.get(0).split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    private static List<String> dynamic(List<String> params) {
        return Arrays.stream(params.get(1).split("\\s+")).filter(s -> !s.isEmpty()).toList();
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

    private void launch(String member, String classpath, List<String> jvmFlags, String mainClass, List<String> args)
            throws ClusterException {
        List<String> cmd = new ArrayList<>();
        // its own session: the member outlives this command and a Ctrl-C in the terminal that started it
        if (new File("/usr/bin/setsid").canExecute() || new File("/bin/setsid").canExecute()) {
            cmd.add("setsid");
        }
        cmd.add(LocalProcesses.java());
        cmd.add("-XX:+IgnoreUnrecognizedVMOptions");
        cmd.addAll(jvmFlags);
        cmd.addAll(JAVA_OPENS);
        cmd.add("-Dlog.file=" + layout.logFile(member));
        cmd.add("-Dlog4j.configurationFile=" + layout.confDir().resolve("log4j.properties").toUri());
        cmd.add(CLUSTER_FLAG + layout.dir());
        cmd.add(MEMBER_FLAG + member);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args);
        Path out = layout.logDir().resolve(member + ".out");
        try {
            Files.createDirectories(layout.logDir());
            // a restarted member starts new files (as Flink's scripts do): its log then speaks only of this process
            FileTrees.rotate(layout.logFile(member));
            FileTrees.rotate(out);
            Files.createDirectories(layout.pidDir());
            Process process = new ProcessBuilder(cmd)
                    .directory(home.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                    .redirectErrorStream(true)
                    .start();
            Files.writeString(layout.pidFile(member), process.pid() + "\n", StandardCharsets.UTF_8);
            say("  " + member + " pid " + process.pid());
        } catch (IOException e) {
            throw new ClusterException("cannot start " + member + ": " + e.getMessage());
        }
    }

    private void awaitZooKeeper(Duration timeout) throws ClusterException {
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

    private void awaitTaskManagers(List<String> started, Duration timeout) throws ClusterException {
        long deadline = System.nanoTime() + timeout.toNanos();
        FlinkRest rest = rest();
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
            if (pidOf(member).isEmpty()) {
                // look twice: a process in the middle of its exec (setsid into java) can briefly show
                // an empty command line, which is not the mark of ours it is checked for
                sleep(250);
                if (pidOf(member).isEmpty()) {
                    Path out = layout.logDir().resolve(member + ".out");
                    throw new ClusterException(member + " exited during the start (" + whyGone(member) + "); see "
                            + layout.logFile(member) + " and " + out + lastWords(layout.logFile(member), out));
                }
            }
        }
    }

    /** What the pid file says of a member that is not running, for the error. */
    private String whyGone(String member) {
        OptionalLong pid = readPid(member);
        if (pid.isEmpty()) {
            return "no pid file";
        }
        boolean alive = ProcessHandle.of(pid.getAsLong()).map(ProcessHandle::isAlive).orElse(false);
        return alive ? "pid " + pid.getAsLong() + " runs but its command line is " + LocalProcesses.commandLine(pid.getAsLong())
                : "pid " + pid.getAsLong() + " is gone";
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

    // ---------------------------------------------------------------- processes

    private List<String> membersOnDisk() {
        if (!Files.isDirectory(layout.pidDir())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(layout.pidDir())) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".pid"))
                    .map(n -> n.substring(0, n.length() - ".pid".length()))
                    .sorted(Comparator.comparingInt(LocalCluster::stopRank).reversed().thenComparing(Comparator.naturalOrder()))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private OptionalLong readPid(String member) {
        try {
            return OptionalLong.of(Long.parseLong(Files.readString(layout.pidFile(member)).trim()));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Whether the process's command line carries this folder's and this member's marks. */
    private boolean isOurs(long pid, String member) {
        List<String> args = LocalProcesses.commandLine(pid);
        return args.contains(CLUSTER_FLAG + layout.dir()) && args.contains(MEMBER_FLAG + member);
    }

    private void terminate(List<Member> members, Duration grace) {
        List<ProcessHandle> handles = new ArrayList<>();
        for (Member m : members) {
            ProcessHandle.of(m.pid()).ifPresent(h -> {
                h.destroy();
                handles.add(h);
            });
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle h : handles) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                h.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }

    private void say(String line) {
        if (console != null) {
            console.println(line);
        }
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
