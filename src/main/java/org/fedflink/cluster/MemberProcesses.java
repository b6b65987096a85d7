package org.fedflink.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.fedflink.io.FileTrees;

/**
 * The JVMs of a cluster folder's members: launching one, its pid file, and whether the process
 * behind a pid file is still that member. Every member carries
 * {@code -Dfedflink.cluster=DIR -Dfedflink.member=NAME} on its command line; a pid counts as a
 * member's only while its process shows both marks, so that a reused pid is never signalled.
 */
final class MemberProcesses {

    private static final String CLUSTER_FLAG = "-Dfedflink.cluster=";
    private static final String MEMBER_FLAG = "-Dfedflink.member=";

    private final Path home;
    private final ClusterLayout layout;
    private final PrintStream console;

    /**
     * @param home the members' working directory
     * @param console where the pid of each launched member is reported (may be null)
     */
    MemberProcesses(Path home, ClusterLayout layout, PrintStream console) {
        this.home = home;
        this.layout = layout;
        this.console = console;
    }

    /**
     * Starts {@code member} in the background with the cluster's logging, the Java 17 opens Flink
     * needs and this folder's marks, and records its pid.
     */
    void launch(String member, String classpath, List<String> jvmFlags, String mainClass, List<String> args)
            throws ClusterException {
        List<String> cmd = new ArrayList<>();
        cmd.add(LocalProcesses.java());
        cmd.add("-XX:+IgnoreUnrecognizedVMOptions");
        cmd.addAll(jvmFlags);
        cmd.addAll(LocalCluster.JAVA_OPENS);
        cmd.add("-Dlog.file=" + layout.logFile(member));
        cmd.add("-Dlog4j.configurationFile=" + layout.confDir().resolve("log4j.properties").toUri());
        cmd.addAll(marks(member));
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args);
        Path out = outFile(member);
        try {
            Files.createDirectories(layout.logDir());
            // a restarted member starts new files (as Flink's scripts do): its log then speaks only of this process
            FileTrees.rotate(layout.logFile(member));
            FileTrees.rotate(out);
            Files.createDirectories(layout.pidDir());
            long pid = LocalProcesses.launchDetached(cmd, home, out, layout.pidFile(member));
            if (console != null) {
                console.println("  " + member + " pid " + pid);
            }
        } catch (IOException e) {
            throw new ClusterException("cannot start " + member + ": " + e.getMessage());
        }
    }

    /** The member's stdout and stderr (its console), next to its Flink log. */
    Path outFile(String member) {
        return layout.logDir().resolve(member + ".out");
    }

    /** The pid of a member if it is alive and was launched by this folder's start. */
    OptionalLong pidOf(String member) {
        return LocalProcesses.runningPid(layout.pidFile(member), marks(member));
    }

    /** The pid the member's pid file holds, alive or not. */
    OptionalLong recordedPid(String member) {
        return LocalProcesses.readPid(layout.pidFile(member));
    }

    private List<String> marks(String member) {
        return List.of(CLUSTER_FLAG + layout.dir(), MEMBER_FLAG + member);
    }

    /** What the pid file says of a member that is not running, for the error. */
    String whyGone(String member) {
        OptionalLong pid = recordedPid(member);
        if (pid.isEmpty()) {
            return "no pid file";
        }
        boolean alive = ProcessHandle.of(pid.getAsLong()).map(ProcessHandle::isAlive).orElse(false);
        return alive ? "pid " + pid.getAsLong() + " runs but its command line is " + LocalProcesses.commandLine(pid.getAsLong())
                : "pid " + pid.getAsLong() + " is gone";
    }

    /** Every member with a pid file in this folder, alive or not, in start order. */
    List<String> onDisk() {
        if (!Files.isDirectory(layout.pidDir())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(layout.pidDir())) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".pid"))
                    .map(n -> n.substring(0, n.length() - ".pid".length()))
                    .sorted(Comparator.comparingInt(MemberProcesses::stopRank).reversed().thenComparing(Comparator.naturalOrder()))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    void deletePidFiles() throws IOException {
        for (String member : onDisk()) {
            Files.deleteIfExists(layout.pidFile(member));
        }
    }

    /** Stop order: TaskManagers, then JobManagers, then ZooKeeper, which the others talk to until they exit. */
    static int stopRank(String member) {
        return member.startsWith("taskmanager-") ? 0 : member.startsWith("jobmanager-") ? 1 : 2;
    }
}
