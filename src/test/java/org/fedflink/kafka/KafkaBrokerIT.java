package org.fedflink.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.fedflink.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real broker process, driven through {@code bin/fedflink} as a person would: {@code kafka
 * start}, {@code produce}, {@code run} a Kafka-fed job, {@code models tail} its model topic, and a
 * second run during which the broker is stopped and started again: the job waits for it, carries
 * on, and folds in every valid example once. Everything lives under {@code target/kafka-it/}, so a
 * failed test leaves its logs to read. Runs after {@code package} (Failsafe).
 */
class KafkaBrokerIT {

    private static final Path HOME = Path.of("").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long EXAMPLES = 60_000;

    private Path root;
    private Path brokerDir;
    private int port;
    private final List<Process> background = new ArrayList<>();

    @BeforeEach
    void prepare() throws Exception {
        root = HOME.resolve("target/kafka-it");
        brokerDir = root.resolve("broker");
        if (Files.exists(brokerDir.resolve("broker.json"))) {
            fedflink(Duration.ofMinutes(1), "kafka", "stop"); // a previous run that could not stop its broker
        }
        deleteRecursively(root);
        Files.createDirectories(root);
        port = FreePorts.one();
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (Process p : background) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        fedflink(Duration.ofMinutes(1), "kafka", "stop");
    }

    @Test
    void realBroker_produceRunTail_andARestartMidRunLosesNothing() throws Exception {
        String servers = "127.0.0.1:" + port;
        Result started = fedflink(Duration.ofMinutes(3), "kafka", "start", "--port", String.valueOf(port),
                "--controller-port", String.valueOf(FreePorts.one()), "--heap", "384m").assertOk();
        assertThat(started.out()).contains("started the kafka broker", servers);

        fedflink(Duration.ofMinutes(2), "produce", "--spec", "jobs/quickstart.yaml", "--topic", "examples",
                "--bootstrap", servers, "--set", "input.generator.examples=" + EXAMPLES,
                "--set", "input.generator.corruptFraction=0.002", "--quiet").assertOk();
        assertThat(fedflink(Duration.ofMinutes(1), "kafka", "status").assertOk().out())
                .contains("running", "examples", String.valueOf(EXAMPLES)); // a plain topic: offsets = messages

        // 1. a bounded Kafka job, its versions read back from the model topic
        Path first = root.resolve("run-1");
        fedflink(Duration.ofMinutes(4), job(servers, first, "models", "first")).assertOk();
        JsonNode summary = JSON.readTree(first.resolve("summary.json").toFile());
        assertEveryValidExampleOnce(summary);
        assertVersions(servers, "models", summary);

        // 2. the same data replayed at 4,000 messages/s; the broker stops and starts again meanwhile
        Path second = root.resolve("run-2");
        List<String> args = new ArrayList<>(List.of(job(servers, second, "models-2", "second")));
        args.addAll(List.of("--set", "input.kafka.ratePerSecond=4000", "--set", "checkpoint.intervalMillis=1000",
                "--flink", "restart-strategy.type=fixed-delay",
                "--flink", "restart-strategy.fixed-delay.attempts=50",
                "--flink", "restart-strategy.fixed-delay.delay=2 s"));
        Path log = root.resolve("run-2.out");
        Process run = builder(args.toArray(String[]::new)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        background.add(run);
        awaitVersion(second, 5, run, log);
        assertThat(fedflink(Duration.ofMinutes(1), "kafka", "stop").assertOk().out()).contains("stopped the kafka broker");
        Thread.sleep(3000);
        fedflink(Duration.ofMinutes(3), "kafka", "start").assertOk();
        assertThat(run.isAlive()).as("the job still runs after the broker came back; output:%n%s",
                Files.readString(log)).isTrue();
        assertThat(run.waitFor(5, TimeUnit.MINUTES)).as("the run ends").isTrue();
        assertThat(run.exitValue()).as("exit code; output:%n%s", Files.readString(log)).isZero();
        JsonNode afterRestart = JSON.readTree(second.resolve("summary.json").toFile());
        assertEveryValidExampleOnce(afterRestart);
        assertVersions(servers, "models-2", afterRestart);

        assertThat(fedflink(Duration.ofMinutes(1), "kafka", "stop", "--delete-data").assertOk().out())
                .contains("stopped the kafka broker", "deleted");
        assertThat(fedflink(Duration.ofMinutes(1), "kafka", "status").exit()).isEqualTo(1);
    }

    /** {@code run} of the quickstart reading topic {@code examples} to its end, publishing to {@code models}. */
    private static String[] job(String servers, Path out, String models, String name) {
        return new String[] {"run", "jobs/quickstart.yaml", "--out", out.toString(), "--quiet",
            "--set", "input.type=kafka", "--set", "input.kafka.topic=examples",
            "--set", "input.kafka.bootstrapServers=" + servers, "--set", "input.kafka.bounded=true",
            "--set", "input.kafka.groupId=it-" + name, "--set", "output.kafka.modelTopic=" + models,
            "--set", "output.kafka.transactionalIdPrefix=it-" + name, "--set", "evaluation.baseline=none"};
    }

    private static void assertEveryValidExampleOnce(JsonNode summary) {
        assertThat(summary.path("status").asText()).isEqualTo("FINISHED");
        assertThat(summary.path("examples").asLong()).isEqualTo(EXAMPLES);
        assertThat(summary.path("invalid").asLong()).isPositive();
        assertThat(summary.path("samplesInModel").asLong())
                .isEqualTo(EXAMPLES - summary.path("invalid").asLong());
    }

    /** The model topic, read with {@code models tail}: every version once, in order, the last one final and complete. */
    private void assertVersions(String servers, String topic, JsonNode summary) throws Exception {
        Result tail = fedflink(Duration.ofMinutes(2), "models", "tail", "--topic", topic, "--bootstrap", servers,
                "--from-beginning", "--idle", "8", "--json").assertOk();
        List<Long> versions = new ArrayList<>();
        JsonNode last = null;
        for (String line : tail.out().lines().toList()) {
            last = JSON.readTree(line);
            versions.add(last.path("version").asLong());
        }
        assertThat(versions).isNotEmpty().isSorted().doesNotHaveDuplicates();
        assertThat(last.path("final").asBoolean()).isTrue();
        assertThat(last.path("format").asText()).isEqualTo(ModelMessages.FORMAT);
        assertThat(last.path("version").asLong()).isEqualTo(summary.path("globalVersion").asLong());
        assertThat(last.path("samplesInModel").asLong()).isEqualTo(summary.path("samplesInModel").asLong());
    }

    private static void awaitVersion(Path out, long version, Process run, Path log) throws Exception {
        Path latest = out.resolve("models").resolve("latest.json");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            if (!run.isAlive()) {
                throw new AssertionError("the run ended early; output:\n" + Files.readString(log));
            }
            try {
                if (Files.exists(latest) && JSON.readTree(latest.toFile()).path("version").asLong() >= version) {
                    return;
                }
            } catch (IOException e) {
                // being replaced: look again
            }
            Thread.sleep(200);
        }
        throw new AssertionError("version " + version + " did not appear; output:\n" + Files.readString(log));
    }

    record Result(int exit, String out, String err) {
        Result assertOk() {
            assertThat(exit).as("exit code; stdout:%n%s%nstderr:%n%s", out, err).isZero();
            return this;
        }
    }

    private Result fedflink(Duration timeout, String... args) throws Exception {
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

    private ProcessBuilder builder(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(HOME.resolve("bin/fedflink").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(HOME.toFile());
        pb.environment().put("FEDFLINK_BROKER_DIR", brokerDir.toString());
        pb.environment().put("FEDFLINK_JAVA_OPTS", "-Xmx1g");
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return pb;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
