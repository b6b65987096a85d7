package org.fedflink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.fedflink.artifact.RunFolder;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecLoader;
import org.fedflink.io.Generators;
import org.fedflink.runner.LocalRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Savepoints as model versions: a rate-limited quickstart job takes two savepoints while it runs;
 * {@code fedflink models} lists, shows, exports and diffs the versions they hold (the same
 * parameters, by checksum, as the versions the job published), and resuming from the older one
 * rolls back: numbering continues from its version in a new job, whose first version names the
 * old job's version as its parent, and the abandoned versions move to {@code models/superseded/}.
 */
class ModelsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private StringWriter out;
    private StringWriter err;

    private int cli(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        return new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
    }

    private static JsonNode json(Path file) throws Exception {
        return JSON.readTree(file.toFile());
    }

    @Test
    void savepointsAreVersions_listShowExportDiff_andResumingFromAnOlderOneRollsBack() throws Exception {
        JobSpec spec = JobSpecLoader.load(Path.of("jobs/quickstart.yaml"), List.of(
                "input.generator.examples=30000", "input.generator.ratePerSecond=6000",
                "checkpoint.intervalMillis=500"));
        Path run = tmp.resolve("run");
        Path savepoints = run.resolve("savepoints");
        String first;
        String second;
        String firstJob;
        JsonNode finished;
        try (LocalRunner runner = LocalRunner.start(spec, LocalRunner.Options.defaults(run))) {
            firstJob = runner.jobId().toString();
            awaitVersion(run, 5);
            first = runner.triggerSavepoint(savepoints);
            awaitVersion(run, versionOf(run) + 20);
            second = runner.triggerSavepoint(savepoints);
            finished = runner.awaitSummary().json();
        }
        assertThat(finished.path("status").asText()).isEqualTo("FINISHED");
        Path sp1 = Path.of(java.net.URI.create(first));
        Path sp2 = Path.of(java.net.URI.create(second));

        // list: both savepoints, oldest first, each a version the job published, with its parameters
        assertThat(cli("models", "list", "--json", savepoints.toString())).as(err.toString()).isZero();
        List<JsonNode> listed = new ArrayList<>();
        for (String line : out.toString().strip().split("\n")) {
            listed.add(JSON.readTree(line));
        }
        assertThat(listed).hasSize(2);
        long v1 = listed.get(0).path("version").asLong();
        long v2 = listed.get(1).path("version").asLong();
        assertThat(v1).isPositive();
        assertThat(v2).isGreaterThan(v1);
        for (JsonNode v : listed) {
            JsonNode published = json(run.resolve(RunFolder.MODELS).resolve(String.format("v%08d.json", v.path("version").asLong())));
            assertThat(v.path("checksum").asText()).isEqualTo(published.path("checksum").asText());
            assertThat(v.path("samplesInModel").asLong()).isEqualTo(published.path("samplesInModel").asLong());
            assertThat(v.path("jobId").asText()).isEqualTo(firstJob).isEqualTo(published.path("jobId").asText());
            assertThat(v.path("parent").path("version").asLong()).isEqualTo(v.path("version").asLong() - 1);
        }
        assertThat(cli("models", "list", savepoints.toString())).isZero();
        assertThat(out.toString()).contains("v" + v1).contains("v" + v2).contains(firstJob.substring(0, 8));

        // show and the baseline loop
        assertThat(cli("models", "show", sp2.toString())).isZero();
        assertThat(JSON.readTree(out.toString()).path("model").path("type").asText()).isEqualTo("softmax");
        assertThat(cli("models", "show", "--baseline", sp2.toString())).as(err.toString()).isZero();
        assertThat(JSON.readTree(out.toString()).path("loop").asText()).isEqualTo("baseline");
        assertThat(JSON.readTree(out.toString()).path("samplesInModel").asLong()).isPositive();

        // export: json with every parameter; csv with one row per class (20 weights + bias)
        assertThat(cli("models", "export", sp1.toString())).isZero();
        assertThat(JSON.readTree(out.toString()).path("params")).hasSize(4 * 21);
        Path csv = tmp.resolve("model.csv");
        assertThat(cli("models", "export", sp1.toString(), "--format", "csv", "--out", csv.toString())).isZero();
        List<String> rows = Files.readAllLines(csv);
        assertThat(rows).hasSize(5);
        assertThat(rows.get(0)).startsWith("output,w0,w1").endsWith(",w19,bias");
        assertThat(rows.get(1).split(",")).hasSize(22);

        // diff: the later model moved, and learned from more samples
        assertThat(cli("models", "diff", sp1.toString(), sp2.toString())).isZero();
        JsonNode diff = JSON.readTree(out.toString());
        assertThat(diff.path("l2Distance").asDouble()).isPositive();
        assertThat(diff.path("samplesInModelChange").asLong()).isPositive();
        assertThat(diff.path("sameParameters").asBoolean()).isFalse();
        assertThat(cli("models", "diff", sp1.toString(), sp1.toString())).isZero();
        assertThat(JSON.readTree(out.toString()).path("sameParameters").asBoolean()).isTrue();

        // evaluate: the savepoint's model scores a labelled file exactly as the published version does
        org.fedflink.data.SyntheticGenerator generator =
                new org.fedflink.data.SyntheticGenerator(Generators.config(spec));
        List<org.fedflink.data.Example> holdout = generator.holdout(1500);
        StringBuilder jsonl = new StringBuilder();
        for (org.fedflink.data.Example e : holdout) {
            jsonl.append(JSON.writeValueAsString(java.util.Map.of("source", "h", "label", (int) e.label(),
                    "features", e.values()))).append('\n');
        }
        Path data = Files.writeString(tmp.resolve("holdout.jsonl"), jsonl);
        assertThat(cli("models", "evaluate", sp2.toString(), "--data", data.toString())).as(err.toString()).isZero();
        JsonNode evaluated = JSON.readTree(out.toString());
        var published = org.fedflink.artifact.SavedModel.load(
                run.resolve(RunFolder.MODELS).resolve(String.format("v%08d.json", v2)));
        double expected = org.fedflink.eval.Evaluator.score(org.fedflink.model.Model.of(published.spec()),
                published.params(), holdout).accuracy();
        assertThat(evaluated.path("labelled").asLong()).isEqualTo(1500);
        assertThat(evaluated.path("accuracy").asDouble()).isEqualTo(expected).isGreaterThan(0.8);

        // errors: one line, exit code 2
        assertThat(cli("models", "show", tmp.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("is not a savepoint or checkpoint");
        assertThat(cli("models", "show", "--task", "mlp", sp1.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--task applies to a job with several tasks");

        // rollback: resume from the older savepoint into the same run folder
        long lastOfFirstJob = finished.path("globalVersion").asLong();
        JsonNode resumed = LocalRunner.run(spec, LocalRunner.Options.defaults(run).withRestoreFrom(first)).json();
        assertThat(resumed.path("status").asText()).isEqualTo("FINISHED");
        long valid = resumed.path("examples").asLong() - resumed.path("invalid").asLong();
        assertThat(resumed.path("samplesInModel").asLong()).isEqualTo(valid);
        JsonNode firstNew = json(run.resolve(RunFolder.MODELS).resolve(String.format("v%08d.json", v1 + 1)));
        String secondJob = firstNew.path("jobId").asText();
        assertThat(secondJob).isNotEqualTo(firstJob);
        assertThat(firstNew.path("parent").path("version").asLong()).isEqualTo(v1);
        assertThat(firstNew.path("parent").path("jobId").asText()).isEqualTo(firstJob);
        JsonNode kept = json(run.resolve(RunFolder.MODELS).resolve(String.format("v%08d.json", v1)));
        assertThat(kept.path("jobId").asText()).isEqualTo(firstJob);
        Path superseded = run.resolve(RunFolder.MODELS).resolve("superseded").resolve(firstJob);
        try (Stream<Path> files = Files.list(superseded)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertThat(names).contains(String.format("v%08d.json", v1 + 1), String.format("v%08d.json", lastOfFirstJob),
                    String.format("v%08d.f32", lastOfFirstJob));
        }
        // one line of versions in models/: every version file after v1 is the new job's
        try (Stream<Path> files = Files.list(run.resolve(RunFolder.MODELS))) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("v\\d{8}\\.json")).toList()) {
                long v = Long.parseLong(f.getFileName().toString().substring(1, 9));
                assertThat(json(f).path("jobId").asText()).as(f.toString()).isEqualTo(v <= v1 ? firstJob : secondJob);
            }
        }
    }

    @Test
    void retainedCheckpointOfACancelledJob_isAVersionToo() throws Exception {
        JobSpec spec = JobSpecLoader.load(Path.of("jobs/quickstart.yaml"), List.of(
                "input.generator.examples=100000", "input.generator.ratePerSecond=5000",
                "checkpoint.intervalMillis=300", "evaluation.baseline=none"));
        Path run = tmp.resolve("cancelled");
        try (LocalRunner runner = LocalRunner.start(spec, LocalRunner.Options.defaults(run))) {
            awaitVersion(run, 10);
            Thread.sleep(1000); // a checkpoint after version 10
            runner.cluster().cancelJob(runner.jobId()).get(60, java.util.concurrent.TimeUnit.SECONDS);
            runner.cluster().requestJobResult(runner.jobId()).get(60, java.util.concurrent.TimeUnit.SECONDS);
        }

        assertThat(cli("models", "list", "--json", run.resolve("checkpoints").toString())).as(err.toString()).isZero();
        String[] lines = out.toString().strip().split("\n");
        assertThat(lines).hasSize(1); // the newest checkpoint is retained on cancellation
        JsonNode v = JSON.readTree(lines[0]);
        assertThat(v.path("snapshot").asText()).contains("chk-");
        assertThat(v.path("version").asLong()).isGreaterThanOrEqualTo(10);
        JsonNode published = json(run.resolve(RunFolder.MODELS).resolve(String.format("v%08d.json", v.path("version").asLong())));
        assertThat(v.path("checksum").asText()).isEqualTo(published.path("checksum").asText());
    }

    private static long versionOf(Path run) throws Exception {
        Path latest = run.resolve(RunFolder.MODELS).resolve("latest.json");
        return Files.exists(latest) ? json(latest).path("version").asLong() : 0;
    }

    private static void awaitVersion(Path run, long version) throws Exception {
        for (int i = 0; i < 1200 && versionOf(run) < version; i++) {
            Thread.sleep(50);
        }
        assertThat(versionOf(run)).as("version reached").isGreaterThanOrEqualTo(version);
    }
}
