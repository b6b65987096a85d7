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
import java.util.Locale;
import java.util.Random;
import org.fedflink.artifact.Preprocessing;
import org.fedflink.artifact.RunFolder;
import org.fedflink.artifact.SavedModel;
import org.fedflink.data.Example;
import org.fedflink.data.Standardizer;
import org.fedflink.eval.Evaluator;
import org.fedflink.model.Model;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A real run ({@code fedflink run} on a small CSV job with standardized features and a centralized
 * baseline), then {@code fedflink predict} on its holdout file: the run folder alone must be enough
 * to score the file exactly as the job's holdout evaluation did.
 */
class PredictCommandIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    static Path run;
    static Path holdout;
    static List<Example> holdoutRows;

    /** Three classes of 4 features on very different scales, from 6 sources; fixed seed. */
    private static List<Example> rows(int n, Random random) {
        double[][] means = {{0, 100, -5, 0.01}, {2, 130, -2, 0.03}, {-2, 70, 1, 0.02}};
        double[] scales = {1, 20, 2, 0.01};
        List<Example> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = random.nextInt(3);
            float[] x = new float[4];
            for (int j = 0; j < 4; j++) {
                x[j] = (float) (means[label][j] + scales[j] * random.nextGaussian());
            }
            rows.add(new Example("s" + random.nextInt(6), 1_700_000_000_000L + i, label, null, x));
        }
        return rows;
    }

    private static Path csv(Path file, List<Example> rows) throws Exception {
        StringBuilder sb = new StringBuilder("source,time,label,f0,f1,f2,f3\n");
        for (Example e : rows) {
            sb.append(e.source()).append(',').append(e.timestamp()).append(',').append((int) e.label());
            for (float v : e.values()) {
                sb.append(',').append(v);
            }
            sb.append('\n');
        }
        return Files.writeString(file, sb);
    }

    @BeforeAll
    static void runAJob() throws Exception {
        Random random = new Random(7);
        Path train = csv(tmp.resolve("train.csv"), rows(3000, random));
        holdoutRows = rows(500, random);
        holdout = csv(tmp.resolve("holdout.csv"), holdoutRows);
        Path job = Files.writeString(tmp.resolve("job.yaml"), String.format(Locale.ROOT, """
                job: predict-it
                input:
                  type: csv
                  path: %s
                  scaling: {type: standardize, examples: 1000}
                model: {type: softmax, features: 4, classes: 3}
                optimizer: {learningRate: 0.1}
                rounds: {localExamples: 10, updatesPerRound: 4, timeoutMillis: 500}
                trainer: {parallelism: 1}
                evaluation: {baseline: centralized, holdoutPath: %s, report: false}
                checkpoint: {intervalMillis: 1000}
                """, train, holdout));
        run = tmp.resolve("run");

        int code = Main.execute("run", job.toString(), "--out", run.toString(), "--quiet",
                "--flink-conf", tmp.resolve("no-flink-conf").toString());

        assertThat(code).isZero();
    }

    private static int predict(StringWriter out, StringWriter err, String... args) {
        return new CommandLine(new Main())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
    }

    @Test
    void runFolder_recordsThePreprocessing_aStandardizerFittedOnTheTrainingInput() {
        Preprocessing recorded = Preprocessing.read(run.resolve("preprocessing.json"));

        assertThat(recorded.scaler()).isInstanceOf(Standardizer.class);
        assertThat(((Standardizer) recorded.scaler()).mean(1)).isBetween(90.0, 110.0);
        assertThat(recorded.options().labelField()).isEqualTo("label");
        assertThat(recorded.toJobSpec().job()).isEqualTo("predict-it");
    }

    @Test
    void predict_holdoutFile_givesTheJobsOwnHoldoutAccuracy_forTheFederatedAndTheBaselineModel() throws Exception {
        for (boolean baseline : new boolean[] {false, true}) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            List<String> args = new ArrayList<>(List.of("predict", run.toString(), "--input", holdout.toString()));
            if (baseline) {
                args.add("--baseline");
            }

            int code = predict(out, err, args.toArray(String[]::new));

            assertThat(code).isZero();
            Path latest = run.resolve(baseline ? "baseline/models/latest.json" : "models/latest.json");
            JsonNode meta = JSON.readTree(latest.toFile());
            double jobAccuracy = meta.path("metrics").path("holdoutAccuracy").asDouble();
            List<JsonNode> lines = out.toString().lines().map(PredictCommandIT::json).toList();
            long right = lines.stream().filter(l -> l.get("prediction").asInt() == l.get("label").asInt()).count();
            assertThat(lines).hasSize(500);
            assertThat(right / 500.0).isEqualTo(jobAccuracy);
            assertThat(jobAccuracy).isGreaterThan(0.8);
            assertThat(lines.get(0).get("modelVersion").asLong()).isEqualTo(meta.path("version").asLong());
            assertThat(err.toString()).contains(String.format(Locale.ROOT, "accuracy %.4f on 500 labelled rows",
                    jobAccuracy));
        }
    }

    @Test
    void predict_agreesWithTheEvaluator_onAnOlderVersion() throws Exception {
        List<Long> versions = RunFolder.versions(run.resolve("models"));
        long middle = versions.get(versions.size() / 2);
        SavedModel model = SavedModel.load(run.resolve("models").resolve(SavedModel.fileName(middle)));
        Standardizer scaler = (Standardizer) Preprocessing.read(run.resolve("preprocessing.json")).scaler();
        Evaluator.Score expected = Evaluator.score(Model.of(model.spec()), model.params(),
                holdoutRows.stream().map(scaler::apply).toList());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = predict(out, err, "predict", run.toString(), "--input", holdout.toString(), "--version",
                Long.toString(middle));

        assertThat(code).isZero();
        assertThat(err.toString()).isEqualTo(String.format(Locale.ROOT,
                "scored 500 of 500 rows of holdout.csv with model v%08d (0 invalid); accuracy %.4f on 500 labelled"
                        + " rows%n", middle, expected.accuracy()));
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
