package org.fedflink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.fedflink.artifact.ModelFixture;
import org.fedflink.artifact.Preprocessing;
import org.fedflink.config.JobSpecLoader;
import org.fedflink.data.FeatureScaler;
import org.fedflink.data.FormatOptions;
import org.fedflink.data.InputFormat;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code fedflink predict} on run folders written by hand; PredictCommandIT runs a real job first. */
class PredictCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ModelSpec SPEC = new ModelSpec(ModelType.SOFTMAX, 3, 2, 0.0);
    private static final String NL = System.lineSeparator();

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return new CommandLine(new Main())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
    }

    /** A run with versions 1-3, a baseline with 1-2, and a CSV preprocessing that divides by 10. */
    private Path runFolder() throws Exception {
        Path run = tmp.resolve("run");
        for (long v = 1; v <= 3; v++) {
            ModelFixture.writeVersion(run.resolve("models"), "job", v, SPEC, ModelFixture.params(SPEC, v));
        }
        for (long v = 1; v <= 2; v++) {
            ModelFixture.writeVersion(run.resolve("baseline/models"), "job", v, SPEC, ModelFixture.params(SPEC, 10 + v));
        }
        var spec = JobSpecLoader.parse("job: job\nmodel: {type: softmax, features: 3}\ninput: {type: csv, path: x.csv}",
                null);
        Preprocessing.of(spec, FormatOptions.builder(InputFormat.CSV, 3).build(), FeatureScaler.divideBy(10))
                .write(run);
        return run;
    }

    private Path input() throws Exception {
        return Files.writeString(tmp.resolve("in.csv"), "source,time,label,a,b,c\ns1,1,1,10,0,5\ns2,2,0,1,2,3\ns3,3,x,1,2,3\n");
    }

    private static List<JsonNode> lines(String text) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    @Test
    void predict_runFolder_writesJsonLinesToStdout_andTheSummaryToStderr() throws Exception {
        Path run = runFolder();

        int code = run("predict", run.toString(), "--input", input().toString());

        assertThat(code).isZero();
        List<JsonNode> lines = lines(out.toString());
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).get("line").asInt()).isEqualTo(2);
        assertThat(lines.get(0).get("source").asText()).isEqualTo("s1");
        assertThat(lines.get(0).get("label").asInt()).isEqualTo(1);
        assertThat(lines.get(0).get("modelVersion").asInt()).isEqualTo(3);
        assertThat(lines.get(2).toString()).isEqualTo("{\"line\":4,\"error\":\"label is not a number (got 'x')\"}");
        assertThat(err.toString()).matches("scored 2 of 3 rows of in\\.csv with model v00000003 \\(1 invalid\\);"
                + " accuracy \\d\\.\\d{4} on 2 labelled rows" + NL);
    }

    @Test
    void predict_versionBaselineAndOut() throws Exception {
        Path run = runFolder();
        Path target = tmp.resolve("out/predictions.jsonl");

        int code = run("predict", run.toString(), "--input", input().toString(), "--baseline", "--version", "1",
                "--out", target.toString(), "--probabilities");

        assertThat(code).isZero();
        assertThat(out.toString()).isEmpty();
        List<JsonNode> lines = lines(Files.readString(target));
        assertThat(lines.get(0).get("modelVersion").asInt()).isEqualTo(1);
        assertThat(lines.get(0).get("probabilities")).hasSize(2);
        assertThat(Files.list(target.getParent()).toList()).containsExactly(target);
    }

    @Test
    void predict_oneModelFile_andAModelsFolder() throws Exception {
        Path run = runFolder();

        assertThat(run("predict", run.resolve("models/v00000002.json").toString(), "--input", input().toString()))
                .isZero();
        assertThat(lines(out.toString()).get(0).get("modelVersion").asInt()).isEqualTo(2);
        out.getBuffer().setLength(0);
        assertThat(run("predict", run.resolve("baseline/models").toString(), "--input", input().toString())).isZero();
        assertThat(lines(out.toString()).get(0).get("modelVersion").asInt()).isEqualTo(2);
    }

    @Test
    void predict_missingInputOrLabels_exits2WithOneLineNamingTheOption() throws Exception {
        Path run = runFolder();
        Path missing = tmp.resolve("none.csv");

        int code = run("predict", run.toString(), "--input", missing.toString());
        int labelsCode = run("predict", run.toString(), "--input", input().toString(), "--labels", tmp.toString());

        assertThat(code).isEqualTo(2);
        assertThat(labelsCode).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: --input: " + missing + " does not exist" + NL
                + "error: --labels: " + tmp + " is a directory, not a file" + NL);
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void predict_missingVersion_exits2WithOneLine() throws Exception {
        Path run = runFolder();

        int code = run("predict", run.toString(), "--input", input().toString(), "--version", "9");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: no version 9 in " + run.resolve("models")
                + " (it has 3 versions, 1 to 3)" + NL);
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void predict_corruptModel_exits2() throws Exception {
        Path run = runFolder();
        Path params = run.resolve("models/v00000003.f32");
        byte[] bytes = Files.readAllBytes(params);
        bytes[0] ^= 0x40;
        Files.write(params, bytes);

        int code = run("predict", run.toString(), "--input", input().toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: " + params + " is corrupt: its checksum is crc32:");
        assertThat(err.toString().lines()).hasSize(1);
    }

    @Test
    void predict_aFileOfTheWrongFormat_exits2_andLeavesNoOutputFile() throws Exception {
        Path run = runFolder();
        Path libsvm = Files.writeString(tmp.resolve("in.libsvm"), "1 1:0.5 2:3\n");
        Path target = tmp.resolve("p.jsonl");

        int code = run("predict", run.toString(), "--input", libsvm.toString(), "--format", "csv", "--out",
                target.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: in.libsvm: csv header ");
        assertThat(err.toString().lines()).hasSize(1);
        assertThat(Files.list(tmp).map(p -> p.getFileName().toString())).doesNotContain("p.jsonl", "p.jsonl.tmp");
    }

    @Test
    void predict_severalTasksWithoutTask_listsThem_andTaskChoosesOne() throws Exception {
        Path run = tmp.resolve("multi");
        ModelFixture.writeVersion(run.resolve("tasks/topic/models"), "job", 4, SPEC, ModelFixture.params(SPEC, 1));
        ModelFixture.writeVersion(run.resolve("tasks/mood/models"), "job", 6, SPEC, ModelFixture.params(SPEC, 2));
        Path input = Files.writeString(tmp.resolve("in.jsonl"), "{\"features\": [1, 2, 3]}\n");

        int code = run("predict", run.toString(), "--input", input.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: run " + run + " has 2 tasks; choose one with --task (tasks: mood,"
                + " topic)" + NL);
        err.getBuffer().setLength(0);
        assertThat(run("predict", run.toString(), "--input", input.toString(), "--task", "mood")).isZero();
        assertThat(lines(out.toString()).get(0).get("modelVersion").asInt()).isEqualTo(6);
        // no preprocessing.json anywhere: said once, then the summary
        assertThat(err.toString()).startsWith("note: " + run.toAbsolutePath() + " has no preprocessing.json");
        assertThat(err.toString().lines()).hasSize(2);
    }

    @Test
    void predict_badOptionValues_exit2() throws Exception {
        Path run = runFolder();

        assertThat(run("predict", run.toString(), "--input", input().toString(), "--version", "newest")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: --version must be a version number >= 0 or latest, got 'newest'" + NL);
        err.getBuffer().setLength(0);
        assertThat(run("predict", run.toString(), "--input", input().toString(), "--format", "parquet")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: --format must be one of jsonl, csv, libsvm, idx, got 'parquet'" + NL);
        err.getBuffer().setLength(0);
        assertThat(run("predict", run.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--input=FILE'");
    }

    @Test
    void predict_notARunFolder_exits2() throws Exception {
        int code = run("predict", tmp.toString(), "--input", input().toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: " + tmp + " is not a run folder, a models folder or a model file"
                + " (it has no models/, tasks/ or vNNNNNNNN.json)" + NL);
    }

    @Test
    void predict_largeFile_printsProgressLines() throws Exception {
        Path run = runFolder();
        StringBuilder rows = new StringBuilder("label,a,b,c\n");
        for (int i = 0; i < 600; i++) {
            rows.append(i % 2).append(",1,2,").append(i).append('\n');
        }
        Path input = Files.writeString(tmp.resolve("big.csv"), rows);
        Duration before = PredictCommand.progressInterval;
        PredictCommand.progressInterval = Duration.ofNanos(1);
        try {
            assertThat(run("predict", run.toString(), "--input", input.toString())).isZero();
        } finally {
            PredictCommand.progressInterval = before;
        }

        List<String> lines = err.toString().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).matches("predict: 256 rows \\(0 invalid\\), \\d+ rows/s");
        assertThat(lines.get(1)).startsWith("predict: 512 rows (0 invalid), ");
        assertThat(lines.get(2)).startsWith("scored 600 of 600 rows of big.csv");
    }

    @Test
    void help_listsThePredictCommand() {
        run("--help");

        assertThat(out.toString()).contains("predict");
    }
}
