package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.fedflink.artifact.RunFolder;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecLoader;
import org.fedflink.data.Example;
import org.fedflink.data.SyntheticGenerator;
import org.fedflink.io.Generators;
import org.fedflink.runner.LocalRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several tasks in one job on an embedded MiniCluster: each task has its own loop, global model,
 * versions and run-folder part; tasks that read the input alike share one reading, and a task
 * with another label column reads it again with its own dead letters.
 */
class MultiTaskIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The cluster the runs of this class share ({@link SharedCluster}): 2 trainers a task. */
    @RegisterExtension
    static final MiniClusterExtension SHARED_CLUSTER = SharedCluster.withSlots(2);

    private static MiniCluster cluster;

    @TempDir
    Path tmp;

    @BeforeAll
    static void takeSharedCluster(@InjectMiniCluster MiniCluster shared) {
        cluster = shared;
    }

    private static JsonNode run(JobSpec spec, Path out) throws Exception {
        return LocalRunner.runOn(cluster, spec, LocalRunner.Options.defaults(out)).json();
    }

    private static JsonNode latest(Path taskDir) throws Exception {
        return JSON.readTree(taskDir.resolve(RunFolder.MODELS).resolve("latest.json").toFile());
    }

    @Test
    void softmaxAndMlp_sideBySide_eachLearnsLikeItsOwnCentralizedBaseline() throws Exception {
        String yaml = Files.readString(Path.of("jobs/quickstart.yaml")) + """
                tasks:
                  - name: softmax
                  - name: mlp
                    model:
                      type: mlp
                      hidden: [16]
                    optimizer:
                      learningRate: 0.1
                """;
        JobSpec spec = JobSpecLoader.parse(yaml, List.of("input.generator.examples=100000"));
        Path out = tmp.resolve("run");

        JsonNode summary = run(spec, out);

        assertThat(summary.path("status").asText()).isEqualTo("FINISHED");
        long valid = summary.path("examples").asLong() - summary.path("invalid").asLong();
        assertThat(summary.path("examples").asLong()).isEqualTo(100_000);
        assertThat(summary.path("invalid").asLong()).isPositive(); // the generator's corrupt records, read once
        assertThat(summary.has("inputs")).as("both tasks share one reading of the input").isFalse();
        for (String task : List.of("softmax", "mlp")) {
            JsonNode t = summary.path("tasks").path(task);
            Path dir = out.resolve(RunFolder.TASKS).resolve(task);
            // every valid example is folded exactly once into each task's model, and its baseline's
            assertThat(t.path("samplesInModel").asLong()).as(task).isEqualTo(valid);
            assertThat(t.path("baseline").path("samplesInModel").asLong()).as(task).isEqualTo(valid);
            JsonNode model = latest(dir);
            assertThat(model.path("final").asBoolean()).isTrue();
            assertThat(model.path("model").path("type").asText()).isEqualTo(task);
            assertThat(Files.readAllLines(dir.resolve("metrics.csv")).size()).as(task).isGreaterThan(10);
            assertThat(dir.resolve(RunFolder.SOURCES)).exists();
            double federated = t.path("metrics").path("holdoutAccuracy").asDouble();
            double centralized = t.path("baseline").path("holdoutAccuracy").asDouble();
            assertThat(federated).as(task + " holdout accuracy vs its centralized baseline " + centralized)
                    .isGreaterThan(0.85)
                    .isGreaterThanOrEqualTo(centralized - 0.02);
        }
        assertThat(latest(out.resolve("tasks/mlp")).path("model").path("hidden").get(0).asInt()).isEqualTo(16);
        assertThat(out.resolve(RunFolder.MODELS)).doesNotExist();
        assertThat(Files.readString(out.resolve("report.html"))).contains("softmax").contains("mlp");
    }

    /**
     * One CSV with two label columns: the class (a number) and a text label named by
     * {@code input.labelNames}. The second task reads the file again, and its bad labels are its
     * own dead letters; the first task's reading has none.
     */
    @Test
    void twoLabelColumns_secondReadsTheInputAgainWithItsOwnDeadLetters() throws Exception {
        SyntheticGenerator generator = new SyntheticGenerator(
                Generators.config(JobSpecLoader.load(Path.of("jobs/quickstart.yaml"), List.of())));
        int rows = 6000;
        StringBuilder csv = new StringBuilder(header());
        StringBuilder holdout = new StringBuilder(header());
        int badSize = 0;
        for (int i = 0; i < rows; i++) {
            Example e = generator.example(i);
            String size = (i % 1000 == 7) ? "medium" : sizeOf(e);
            badSize += size.equals("medium") ? 1 : 0;
            csv.append(row(i, e, size));
        }
        for (Example e : generator.holdout(1000)) {
            holdout.append(row(-1, e.withSource("h"), sizeOf(e)));
        }
        Path data = Files.writeString(tmp.resolve("train.csv"), csv);
        Path holdoutFile = Files.writeString(tmp.resolve("holdout.csv"), holdout);
        String yaml = """
                job: two-labels
                input:
                  type: csv
                  path: %s
                  passes: 3
                  csv: {ignore: [id]}
                model: {type: softmax, features: 20, classes: 4}
                optimizer: {learningRate: 0.1, decay: 0.001}
                rounds: {localExamples: 20, updatesPerRound: 20}
                evaluation: {holdoutPath: %s, baseline: centralized}
                output: {predictions: true}
                tasks:
                  - name: class
                  - name: size
                    label: size
                    labelNames: [small, large]
                    model: {type: logistic, classes: 2}
                """.formatted(data, holdoutFile);
        JobSpec spec = JobSpecLoader.parse(yaml, List.of());
        Path out = tmp.resolve("run");

        JsonNode summary = run(spec, out);

        assertThat(summary.path("status").asText()).isEqualTo("FINISHED");
        assertThat(summary.path("examples").asLong()).isEqualTo(3L * rows);
        assertThat(summary.path("invalid").asLong()).isZero();
        JsonNode second = summary.path("inputs").get(0);
        assertThat(second.path("folder").asText()).isEqualTo("input-1");
        assertThat(second.path("examples").asLong()).isEqualTo(3L * rows);
        assertThat(second.path("invalid").asLong()).isEqualTo(3L * badSize);
        List<String> letters = Files.readAllLines(out.resolve("input-1").resolve(RunFolder.DEAD_LETTER));
        assertThat(letters).hasSize(3 * badSize)
                .allSatisfy(l -> assertThat(l).contains("size 'medium' is not in input.labelNames"));
        assertThat(out.resolve(RunFolder.DEAD_LETTER)).content().isEmpty();

        JsonNode classTask = summary.path("tasks").path("class");
        JsonNode sizeTask = summary.path("tasks").path("size");
        assertThat(classTask.path("samplesInModel").asLong()).isEqualTo(3L * rows);
        assertThat(sizeTask.path("samplesInModel").asLong()).isEqualTo(3L * (rows - badSize));
        for (JsonNode t : List.of(classTask, sizeTask)) {
            double federated = t.path("metrics").path("holdoutAccuracy").asDouble();
            double centralized = t.path("baseline").path("holdoutAccuracy").asDouble();
            assertThat(federated).isGreaterThan(0.8).isGreaterThanOrEqualTo(centralized - 0.03);
        }

        // the prediction stream: one line per example folded in, tagged with the global version
        // the source's model was based on, which never goes back for a source
        for (String task : List.of("class", "size")) {
            JsonNode t = summary.path("tasks").path(task);
            List<String> lines = Files.readAllLines(out.resolve("tasks").resolve(task).resolve(RunFolder.PREDICTIONS));
            assertThat((long) lines.size()).as(task).isEqualTo(t.path("samplesInModel").asLong());
            java.util.Map<String, Long> versionOfSource = new java.util.HashMap<>();
            long correct = 0;
            long tagged = 0;
            for (String line : lines) {
                JsonNode p = JSON.readTree(line);
                correct += p.path("label").equals(p.path("prediction")) ? 1 : 0;
                long version = p.path("modelVersion").asLong();
                tagged += version > 0 ? 1 : 0;
                Long before = versionOfSource.put(p.path("source").asText(), version);
                assertThat(version).as(line).isGreaterThanOrEqualTo(before == null ? 0 : before);
                if (task.equals("size")) {
                    assertThat(p.path("label").asText()).isIn("small", "large");
                    assertThat(p.path("prediction").asText()).isIn("small", "large");
                }
            }
            assertThat(tagged).as("predictions made by a model built on some global version").isGreaterThan(lines.size() / 2);
            assertThat((double) correct / lines.size()).as(task + " accuracy of the prediction stream")
                    .isCloseTo(t.path("metrics").path("prequentialAccuracy").asDouble(), org.assertj.core.api.Assertions.within(1e-9));
        }
        // the centralized baseline writes its own prediction stream: one line per example it learned
        Path baselinePredictions = out.resolve("tasks/class/baseline").resolve(RunFolder.PREDICTIONS);
        assertThat((long) Files.readAllLines(baselinePredictions).size())
                .isEqualTo(summary.path("tasks").path("class").path("baseline").path("samplesInModel").asLong());

        // each task's saved model scores a file with its own label column and names
        java.io.StringWriter predictions = new java.io.StringWriter();
        java.io.StringWriter messages = new java.io.StringWriter();
        int code = new picocli.CommandLine(new org.fedflink.cli.Main())
                .setOut(new java.io.PrintWriter(predictions, true))
                .setErr(new java.io.PrintWriter(messages, true))
                .execute("predict", out.toString(), "--task", "size", "--input", holdoutFile.toString());
        assertThat(code).as(messages.toString()).isZero();
        List<String> scored = predictions.toString().lines().toList();
        assertThat(scored).hasSize(1000);
        long right = scored.stream().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).filter(p -> p.path("label").asText().equals(p.path("prediction").asText())).count();
        assertThat(right / 1000.0).isCloseTo(sizeTask.path("metrics").path("holdoutAccuracy").asDouble(),
                org.assertj.core.api.Assertions.within(1e-9));
    }

    private static String header() {
        StringBuilder h = new StringBuilder("id,source,time,label,size");
        for (int j = 0; j < 20; j++) {
            h.append(",f").append(j);
        }
        return h.append('\n').toString();
    }

    /** A second, binary label of the same features: the class pair {0, 1} against {2, 3}. */
    private static String sizeOf(Example e) {
        return e.label() < 2 ? "small" : "large";
    }

    private static String row(int id, Example e, String size) {
        StringBuilder row = new StringBuilder().append("r").append(id).append(',').append(e.source()).append(',')
                .append(e.timestamp()).append(',').append((int) e.label()).append(',').append(size);
        for (float v : e.values()) {
            row.append(',').append(v);
        }
        return row.append('\n').toString();
    }
}
