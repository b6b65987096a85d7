package org.fedflink.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.fedflink.FreePorts;

/**
 * Drives {@code bin/fedflink} as a person would, for the cluster tests: each call is a new process
 * with the cluster folder in {@code FEDFLINK_CLUSTER_DIR}. The cluster folder and the run folders
 * live under {@code target/cluster-it/NAME/}, so a failed test leaves its logs to read.
 */
final class ClusterScript {

    static final Path HOME = Path.of("").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SUBMITTED = Pattern.compile("Submitted job ([0-9a-f]{32})");

    final Path root;
    final Path dir;
    final int restPort;
    private final List<Process> background = new ArrayList<>();

    ClusterScript(String name) throws IOException, ClusterException {
        this.root = HOME.resolve("target/cluster-it").resolve(name);
        this.dir = root.resolve("cluster");
        if (Files.exists(dir.resolve(ClusterLayout.FILE))) {
            // a previous run that could not stop its cluster: stop it now rather than leak its processes
            ClusterLayout old = ClusterLayout.load(dir);
            new LocalCluster(HOME, old, null).stop();
        }
        deleteRecursively(root);
        Files.createDirectories(root);
        this.restPort = FreePorts.pair();
    }

    /** The outcome of one command. */
    record Result(int exit, String out, String err) {
        Result assertOk() {
            assertThat(exit).as("exit code; stdout:%n%s%nstderr:%n%s", out, err).isZero();
            return this;
        }
    }

    /** {@code bin/fedflink cluster start} on this folder's free ports, plus {@code extra} options. */
    Result start(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("cluster", "start", "--port", String.valueOf(restPort),
                "--rpc-port", String.valueOf(FreePorts.one()), "--zk-port", String.valueOf(FreePorts.one())));
        args.addAll(Arrays.asList(extra));
        return fedflink(Duration.ofMinutes(4), args.toArray(String[]::new));
    }

    /** Stops the cluster and every command still running in the background. */
    void stopAll() throws Exception {
        for (Process p : background) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        fedflink(Duration.ofMinutes(2), "cluster", "stop");
    }

    /** Runs {@code bin/fedflink ARGS} to its end. */
    Result fedflink(Duration timeout, String... args) throws Exception {
        Path out = Files.createTempFile(root, "cmd", ".out");
        Path err = Files.createTempFile(root, "cmd", ".err");
        Process p = builder(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/fedflink " + String.join(" ", args) + " did not end within " + timeout
                    + "; stdout: " + Files.readString(out));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A command running in the background (e.g. a submit that follows its job), its output in {@code log}. */
    final class Background {
        final Process process;
        final Path log;

        Background(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        /** Waits for the job id the command prints. */
        String awaitJobId() throws Exception {
            return await(Duration.ofMinutes(2), "the job id in " + log, () -> {
                Matcher m = SUBMITTED.matcher(Files.readString(log));
                return m.find() ? m.group(1) : null;
            });
        }

        /** Waits for the end and returns the exit code. */
        int awaitExit(Duration timeout) throws Exception {
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("the command did not end within " + timeout + "; output:\n" + Files.readString(log));
            }
            return process.exitValue();
        }

        String output() throws IOException {
            return Files.readString(log);
        }
    }

    Background background(String... args) throws Exception {
        Path log = Files.createTempFile(root, "bg", ".log");
        Process p = builder(args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        background.add(p);
        return new Background(p, log);
    }

    private ProcessBuilder builder(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(HOME.resolve("bin/fedflink").toString());
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(HOME.toFile());
        pb.environment().put("FEDFLINK_CLUSTER_DIR", dir.toString());
        pb.environment().put("FEDFLINK_JAVA_OPTS", "-Xmx512m");
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return pb;
    }

    /** The pid of a cluster member, from the pid file {@code cluster start} wrote. */
    long pid(String member) throws IOException {
        return Long.parseLong(Files.readString(dir.resolve("pids").resolve(member + ".pid")).trim());
    }

    /** {@code kill -9} a member, and waits until it is gone. */
    void kill9(String member) throws Exception {
        ProcessHandle handle = ProcessHandle.of(pid(member)).orElseThrow();
        handle.destroyForcibly();
        handle.onExit().get(30, TimeUnit.SECONDS);
    }

    /** GET a Flink REST path from whichever JobManager answers. */
    JsonNode rest(String path) throws IOException {
        return new FlinkRest(List.of(java.net.URI.create("http://127.0.0.1:" + restPort),
                java.net.URI.create("http://127.0.0.1:" + (restPort + 1)))).get(path);
    }

    static JsonNode readJson(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }

    /** The global versions in a run's {@code metrics.csv}, in file order. */
    static List<Long> metricVersions(Path run) throws IOException {
        List<String> lines = Files.readAllLines(run.resolve("metrics.csv"));
        return lines.subList(1, lines.size()).stream()
                .map(l -> Long.parseLong(l.substring(0, l.indexOf(','))))
                .toList();
    }

    /** Whether the run has a completed checkpoint (a {@code _metadata} under {@code checkpoints/}). */
    static boolean hasCompletedCheckpoint(Path run) throws IOException {
        Path checkpoints = run.resolve("checkpoints");
        if (!Files.isDirectory(checkpoints)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(checkpoints)) {
            return files.anyMatch(p -> p.getFileName().toString().equals("_metadata"));
        }
    }

    /** Polls {@code probe} until it returns non-null (or true); fails after {@code timeout}. */
    static <T> T await(Duration timeout, String what, Callable<T> probe) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                T value = probe.call();
                if (value != null && !Boolean.FALSE.equals(value)) {
                    return value;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + what
                + (last == null ? "" : " (last error: " + last + ")"));
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
