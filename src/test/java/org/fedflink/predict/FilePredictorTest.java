package org.fedflink.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.fedflink.artifact.ArtifactException;
import org.fedflink.artifact.ModelFixture;
import org.fedflink.artifact.Preprocessing;
import org.fedflink.artifact.SavedModel;
import org.fedflink.data.Example;
import org.fedflink.data.FeatureScaler;
import org.fedflink.data.FormatException;
import org.fedflink.data.FormatOptions;
import org.fedflink.data.IdxDataset;
import org.fedflink.data.InputFormat;
import org.fedflink.data.Standardizer;
import org.fedflink.eval.Evaluator;
import org.fedflink.model.Model;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilePredictorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ModelSpec SOFTMAX = new ModelSpec(ModelType.SOFTMAX, 3, 3, 0.0);

    @TempDir
    Path dir;

    private SavedModel model(ModelSpec spec, long version) throws Exception {
        return SavedModel.load(ModelFixture.writeVersion(dir.resolve("models"), "job", version, spec,
                ModelFixture.params(spec, 11)));
    }

    private static Preprocessing preprocessing(FormatOptions options, FeatureScaler scaler) {
        return new Preprocessing("job", options.format().name().toLowerCase(Locale.ROOT), options, 1 << 20, scaler,
                JSON.createObjectNode());
    }

    /** Seeded rows: 3 features in [0, 10), a class in [0, 3). */
    private static List<Example> rows(int n, long seed) {
        Random random = new Random(seed);
        List<Example> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] x = {random.nextInt(1000) / 100f, random.nextInt(1000) / 100f, random.nextInt(1000) / 100f};
            rows.add(new Example(null, 0, random.nextInt(3), null, x));
        }
        return rows;
    }

    private static String jsonl(Example e, boolean withLabel) {
        float[] x = e.values();
        return "{" + (withLabel ? "\"label\": " + (int) e.label() + ", " : "")
                + "\"features\": [" + x[0] + ", " + x[1] + ", " + x[2] + "]}";
    }

    private static List<JsonNode> lines(StringWriter out) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString().split("\n", -1)) {
            if (!line.isEmpty()) {
                lines.add(JSON.readTree(line));
            }
        }
        assertThat(out.toString()).endsWith("\n");
        return lines;
    }

    private static List<Example> scaled(List<Example> rows, FeatureScaler scaler) {
        return rows.stream().map(scaler::apply).toList();
    }

    @Test
    void jsonl_everyRowGetsALine_predictionsAndAccuracyAgreeWithTheHoldoutEvaluator() throws Exception {
        SavedModel model = model(SOFTMAX, 42);
        List<Example> rows = rows(200, 1);
        Standardizer scaler = Standardizer.fit(rows.subList(0, 50), 3);
        StringBuilder text = new StringBuilder();
        rows.forEach(e -> text.append(jsonl(e, true)).append('\n'));
        Path input = Files.writeString(dir.resolve("score.jsonl"), text);
        StringWriter out = new StringWriter();

        FilePredictor.Summary summary = FilePredictor.builder(model, input)
                .preprocessing(preprocessing(FormatOptions.builder(InputFormat.JSONL, 3).build(), scaler))
                .build()
                .run(out);

        Evaluator.Score holdout = Evaluator.score(Model.of(SOFTMAX), model.params(), scaled(rows, scaler));
        List<JsonNode> lines = lines(out);
        assertThat(lines).hasSize(200);
        long right = lines.stream().filter(l -> l.get("label").asInt() == l.get("prediction").asInt()).count();
        assertThat(summary.score().accuracy()).isEqualTo(holdout.accuracy());
        assertThat(right / 200.0).isEqualTo(holdout.accuracy());
        assertThat(summary.rows()).isEqualTo(200);
        assertThat(summary.invalid()).isZero();
        assertThat(summary.labelled()).isEqualTo(200);
        assertThat(summary.modelVersion()).isEqualTo(42);
        Predictor predictor = Predictor.of(model);
        for (int i = 0; i < rows.size(); i++) {
            JsonNode line = lines.get(i);
            Prediction expected = predictor.predict(scaler.apply(rows.get(i)));
            assertThat(line.get("line").asLong()).isEqualTo(i + 1);
            assertThat(line.get("prediction").asInt()).isEqualTo(expected.predictedClass());
            assertThat(line.get("probability").asDouble()).isEqualTo(expected.probability());
            assertThat(line.get("modelVersion").asLong()).isEqualTo(42);
            assertThat(line.has("source")).isFalse();
            assertThat(line.has("probabilities")).isFalse();
        }
        assertThat(summary.describe()).isEqualTo(String.format(Locale.ROOT,
                "scored 200 of 200 rows of score.jsonl with model v00000042 (0 invalid); accuracy %.4f on 200 labelled"
                        + " rows", holdout.accuracy()));
    }

    @Test
    void jsonl_invalidRowsGetAnErrorLine_areCounted_andDoNotStopTheFile() throws Exception {
        SavedModel model = model(SOFTMAX, 1);
        String text = String.join("\n",
                "{\"source\": \"s1\", \"label\": 2, \"features\": [1, 2, 3]}",
                "{\"features\": [1, 2]}",
                "not json",
                "",
                "{\"label\": 7, \"features\": [1, 2, 3]}",
                "{\"id\": 17, \"features\": [3, 2, 1]}",
                "{\"label\": 1, \"features\": [0, 0, 1]}") + "\n";
        Path input = Files.writeString(dir.resolve("mixed.jsonl"), text);
        StringWriter out = new StringWriter();

        FilePredictor.Summary summary = FilePredictor.builder(model, input).build().run(out);

        List<JsonNode> lines = lines(out);
        assertThat(lines).hasSize(7);
        assertThat(lines.get(0).get("source").asText()).isEqualTo("s1");
        assertThat(lines.get(0).get("label").asInt()).isEqualTo(2);
        assertThat(lines.get(1).toString()).isEqualTo("{\"line\":2,\"error\":\"expected 3 features, got 2\"}");
        assertThat(lines.get(2).get("line").asInt()).isEqualTo(3);
        assertThat(lines.get(2).get("error").asText()).isNotEmpty();
        assertThat(lines.get(3).toString()).isEqualTo("{\"line\":4,\"error\":\"empty line\"}");
        assertThat(lines.get(4).toString()).isEqualTo("{\"line\":5,\"error\":\"label 7 is out of range [0, 3)\"}");
        assertThat(lines.get(5).has("label")).isFalse();
        assertThat(lines.get(5).has("prediction")).isTrue();
        assertThat(lines.get(6).get("line").asInt()).isEqualTo(7);
        assertThat(summary.rows()).isEqualTo(7);
        assertThat(summary.invalid()).isEqualTo(4);
        assertThat(summary.scored()).isEqualTo(3);
        assertThat(summary.labelled()).isEqualTo(2);
    }

    @Test
    void csvWithHeader_labelMap_writesLabelTexts_andAllProbabilities() throws Exception {
        SavedModel model = model(SOFTMAX, 3);
        FormatOptions trained = FormatOptions.builder(InputFormat.CSV, 3)
                .labelMap(Map.of("cat", 0.0, "dog", 1.0, "puppy", 1.0, "bird", 2.0))
                .build();
        // the scoring file has no source or time column, and one row without a label
        Path input = Files.writeString(dir.resolve("animals.csv"), "a,label,b,c\n1,dog,2,3\n4,,5,6\n0.5,bird,0,1\n");
        StringWriter out = new StringWriter();

        FilePredictor.Summary summary = FilePredictor.builder(model, input)
                .preprocessing(preprocessing(trained, FeatureScaler.divideBy(2)))
                .probabilities(true)
                .build()
                .run(out);

        List<JsonNode> lines = lines(out);
        Predictor predictor = Predictor.of(model);
        Prediction first = predictor.predict(new Example(null, 0, 1, null, new float[] {0.5f, 1, 1.5f}));
        String[] names = {"cat", "dog", "bird"};
        assertThat(lines.get(0).get("line").asInt()).isEqualTo(2);
        assertThat(lines.get(0).get("label").asText()).isEqualTo("dog");
        assertThat(lines.get(0).get("prediction").asText()).isEqualTo(names[first.predictedClass()]);
        JsonNode probabilities = lines.get(0).get("probabilities");
        assertThat(probabilities).hasSize(3);
        double sum = 0;
        for (int k = 0; k < 3; k++) {
            assertThat(probabilities.get(k).asDouble()).isEqualTo(first.probabilities()[k]);
            sum += probabilities.get(k).asDouble();
        }
        assertThat(sum).isCloseTo(1.0, within(1e-9));
        assertThat(lines.get(1).has("label")).isFalse();
        assertThat(lines.get(2).get("label").asText()).isEqualTo("bird");
        assertThat(summary.labelled()).isEqualTo(2);
    }

    @Test
    void libsvm_sparseRows_andAGzipFileNamedForIt() throws Exception {
        SavedModel model = model(SOFTMAX, 5);
        Path input = dir.resolve("rows.libsvm.gz");
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(input))) {
            gz.write("2 1:0.5 3:2\n0 2:1\n1 4:1\n".getBytes(StandardCharsets.UTF_8));
        }
        StringWriter out = new StringWriter();

        FilePredictor.Summary summary = FilePredictor.builder(model, input).build().run(out);

        List<JsonNode> lines = lines(out);
        Prediction first = Predictor.of(model).predict(new Example(null, 0, 2, new int[] {0, 2}, new float[] {0.5f, 2}));
        assertThat(lines.get(0).get("prediction").asInt()).isEqualTo(first.predictedClass());
        assertThat(lines.get(2).get("error").asText()).isEqualTo("index 4 is out of range [1, 3]");
        assertThat(summary.format()).isEqualTo(InputFormat.LIBSVM);
        assertThat(summary.invalid()).isEqualTo(1);
    }

    @Test
    void idx_imagesWithAndWithoutLabels_areNumberedByRecord() throws Exception {
        ModelSpec spec = new ModelSpec(ModelType.SOFTMAX, 4, 3, 0.0);
        SavedModel model = model(spec, 9);
        ByteBuffer images = ByteBuffer.allocate(16 + 3 * 4);
        images.putInt(IdxDataset.IMAGES_MAGIC).putInt(3).putInt(2).putInt(2);
        images.put(new byte[] {0, 10, (byte) 200, 5, 50, 50, 0, 0, 1, 2, 3, 4});
        ByteBuffer labels = ByteBuffer.allocate(8 + 3).putInt(IdxDataset.LABELS_MAGIC).putInt(3).put(new byte[] {2, 0, 1});
        Path imageFile = Files.write(dir.resolve("t10k-images-idx3-ubyte"), images.array());
        Path labelFile = Files.write(dir.resolve("t10k-labels-idx1-ubyte"), labels.array());
        Preprocessing run = preprocessing(FormatOptions.builder(InputFormat.IDX, 4).build(), FeatureScaler.divideBy(255));

        StringWriter labelled = new StringWriter();
        StringWriter unlabelled = new StringWriter();
        FilePredictor.Summary withLabels = FilePredictor.builder(model, imageFile).preprocessing(run).labels(labelFile)
                .build().run(labelled);
        FilePredictor.Summary without = FilePredictor.builder(model, imageFile).preprocessing(run).build().run(unlabelled);

        List<Example> examples = List.of(
                new Example(null, 0, 2, null, new float[] {0, 10, 200, 5}),
                new Example(null, 0, 0, null, new float[] {50, 50, 0, 0}),
                new Example(null, 0, 1, null, new float[] {1, 2, 3, 4}));
        Evaluator.Score holdout = Evaluator.score(Model.of(spec), model.params(), scaled(examples, FeatureScaler.divideBy(255)));
        assertThat(withLabels.score().accuracy()).isEqualTo(holdout.accuracy());
        assertThat(lines(labelled).get(2).get("record").asInt()).isEqualTo(3);
        assertThat(lines(labelled).get(2).get("label").asInt()).isEqualTo(1);
        assertThat(lines(unlabelled).get(2).has("label")).isFalse();
        assertThat(lines(unlabelled).get(2).get("prediction")).isEqualTo(lines(labelled).get(2).get("prediction"));
        assertThat(without.labelled()).isZero();
        assertThat(without.describe()).endsWith("(0 invalid); no labels");
    }

    @Test
    void idx_imagesOfAnotherSize_failBeforeScoring() throws Exception {
        SavedModel model = model(SOFTMAX, 1);
        ByteBuffer images = ByteBuffer.allocate(16 + 4).putInt(IdxDataset.IMAGES_MAGIC).putInt(1).putInt(2).putInt(2);
        Path file = Files.write(dir.resolve("x.idx"), images.array());

        assertThatThrownBy(() -> FilePredictor.builder(model, file).build().run(new StringWriter()))
                .isInstanceOf(FormatException.class)
                .hasMessage("x.idx has images of 2 x 2 = 4 pixels, the model has 3 features");
    }

    @Test
    void linearRegression_writesRealValues_andRmse() throws Exception {
        ModelSpec linear = new ModelSpec(ModelType.LINEAR, 3, 2, 0.0);
        SavedModel model = model(linear, 2);
        List<Example> rows = List.of(
                new Example(null, 0, 1.5, null, new float[] {1, 2, 3}),
                new Example(null, 0, -0.25, null, new float[] {0, 1, 0}));
        Path input = Files.writeString(dir.resolve("reg.jsonl"),
                "{\"label\": 1.5, \"features\": [1, 2, 3]}\n{\"label\": -0.25, \"features\": [0, 1, 0]}\n");
        StringWriter out = new StringWriter();

        FilePredictor.Summary summary = FilePredictor.builder(model, input).build().run(out);

        Evaluator.Score holdout = Evaluator.score(Model.of(linear), model.params(), rows);
        List<JsonNode> lines = lines(out);
        assertThat(lines.get(0).get("label").asDouble()).isEqualTo(1.5);
        assertThat(lines.get(0).get("prediction").asDouble())
                .isEqualTo(Model.of(linear).predict(model.params(), null, new float[] {1, 2, 3}));
        assertThat(lines.get(0).has("probability")).isFalse();
        assertThat(summary.score().rmse()).isEqualTo(holdout.rmse());
        assertThat(summary.describe()).contains(String.format(Locale.ROOT, "rmse %.6g on 2 labelled rows", holdout.rmse()));
    }

    @Test
    void logistic_probabilityIsThatOfThePredictedClass() throws Exception {
        ModelSpec logistic = new ModelSpec(ModelType.LOGISTIC, 3, 2, 0.0);
        SavedModel model = model(logistic, 2);
        Path input = Files.writeString(dir.resolve("bin.jsonl"), "{\"features\": [1, 2, 3]}\n{\"features\": [-3, 0, 1]}\n");
        StringWriter out = new StringWriter();

        FilePredictor.builder(model, input).probabilities(true).build().run(out);

        double[] raw = new double[1];
        Model.of(logistic).probabilities(model.params(), null, new float[] {1, 2, 3}, raw);
        JsonNode first = lines(out).get(0);
        int predicted = first.get("prediction").asInt();
        assertThat(first.get("probabilities").get(1).asDouble()).isEqualTo(raw[0]);
        assertThat(first.get("probability").asDouble()).isEqualTo(predicted == 1 ? raw[0] : 1 - raw[0]);
        assertThat(first.get("probability").asDouble()).isGreaterThanOrEqualTo(0.5);
    }

    @Test
    void anotherFormatThanTheRuns_keepsTheRunsFieldNamesAndScaling() throws Exception {
        SavedModel model = model(SOFTMAX, 4);
        FormatOptions trained = FormatOptions.builder(InputFormat.JSONL, 3).labelField("y").sourceField(null).build();
        Path input = Files.writeString(dir.resolve("other.csv"), "y,a,b,c\n1,2,4,6\n");
        StringWriter out = new StringWriter();

        FilePredictor predictor = FilePredictor.builder(model, input)
                .preprocessing(preprocessing(trained, FeatureScaler.divideBy(2)))
                .build();
        predictor.run(out);

        Prediction expected = Predictor.of(model).predict(new Example(null, 0, 1, null, new float[] {1, 2, 3}));
        assertThat(predictor.options().format()).isEqualTo(InputFormat.CSV);
        assertThat(predictor.options().labelField()).isEqualTo("y");
        assertThat(lines(out).get(0).get("probability").asDouble()).isEqualTo(expected.probability());
    }

    @Test
    void format_fromTheName_elseTheRuns_elseAnError() throws Exception {
        SavedModel model = model(SOFTMAX, 1);
        Path txt = Files.writeString(dir.resolve("rows.txt"), "0 1:1\n");
        Preprocessing libsvmRun = preprocessing(FormatOptions.builder(InputFormat.LIBSVM, 3).build(), FeatureScaler.none());

        assertThat(FilePredictor.formatOfName(Path.of("a.JSONL.gz"))).contains(InputFormat.JSONL);
        assertThat(FilePredictor.formatOfName(Path.of("a.ndjson"))).contains(InputFormat.JSONL);
        assertThat(FilePredictor.formatOfName(Path.of("a.csv"))).contains(InputFormat.CSV);
        assertThat(FilePredictor.formatOfName(Path.of("a.svm"))).contains(InputFormat.LIBSVM);
        assertThat(FilePredictor.formatOfName(Path.of("train-images-idx3-ubyte.gz"))).contains(InputFormat.IDX);
        assertThat(FilePredictor.formatOfName(Path.of("a.txt"))).isEmpty();
        assertThat(FilePredictor.builder(model, txt).preprocessing(libsvmRun).build().options().format())
                .isEqualTo(InputFormat.LIBSVM);
        assertThat(FilePredictor.builder(model, txt).format(InputFormat.LIBSVM).build().options().format())
                .isEqualTo(InputFormat.LIBSVM);
        assertThatThrownBy(() -> FilePredictor.builder(model, txt).build())
                .isInstanceOf(FormatException.class)
                .hasMessage("cannot tell the format of rows.txt from its name (.jsonl, .csv, .libsvm, .svm or .idx,"
                        + " optionally .gz); give --format");
    }

    @Test
    void aFileOfAnotherFormat_failsBeforeAnyLineIsWritten() throws Exception {
        SavedModel model = model(SOFTMAX, 1);
        Path input = Files.writeString(dir.resolve("rows.jsonl"), "{\"features\": [1, 2, 3]}\n");
        StringWriter out = new StringWriter();

        assertThatThrownBy(() -> FilePredictor.builder(model, input).format(InputFormat.LIBSVM).build().run(out))
                .isInstanceOf(FormatException.class)
                .hasMessageStartingWith("rows.jsonl does not look like libsvm: line 1: ");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void unknownKeys_followTheRunsSetting_ignoredByDefault() throws Exception {
        SavedModel model = model(SOFTMAX, 1);
        Path input = Files.writeString(dir.resolve("ids.jsonl"),
                "{\"id\": \"r-1\", \"features\": [1, 2, 3]}\n{\"features\": [1, 2, 3]}\n");
        FormatOptions jsonl = FormatOptions.builder(InputFormat.JSONL, 3).build();
        FormatOptions reject = jsonl.toBuilder().unknownFields(FormatOptions.UnknownFields.REJECT).build();
        StringWriter ignored = new StringWriter();
        StringWriter rejected = new StringWriter();

        FilePredictor.Summary lenient = FilePredictor.builder(model, input)
                .preprocessing(preprocessing(jsonl, FeatureScaler.none())).build().run(ignored);
        FilePredictor.Summary strict = FilePredictor.builder(model, input)
                .preprocessing(preprocessing(reject, FeatureScaler.none())).build().run(rejected);

        assertThat(lenient.invalid()).isZero();
        assertThat(strict.invalid()).isEqualTo(1);
        assertThat(lines(rejected).get(0).toString()).isEqualTo("{\"line\":1,\"error\":\"unknown field 'id'\"}");
        // scoring CSV rows with a JSONL run's settings keeps its setting too
        assertThat(FilePredictor.builder(model, dir.resolve("x.csv")).preprocessing(preprocessing(reject,
                FeatureScaler.none())).build().options().unknownFields()).isEqualTo(FormatOptions.UnknownFields.REJECT);
    }

    @Test
    void missingInput_labelsForText_andPreprocessingOfAnotherDimension() throws Exception {
        SavedModel model = model(SOFTMAX, 1);
        Path csv = Files.writeString(dir.resolve("a.csv"), "label,a,b,c\n");

        assertThatThrownBy(() -> FilePredictor.builder(model, dir.resolve("none.csv")).build().run(new StringWriter()))
                .isInstanceOf(FormatException.class)
                .hasMessage("input: " + dir.resolve("none.csv") + " does not exist");
        assertThatThrownBy(() -> FilePredictor.builder(model, csv).labels(csv).build())
                .isInstanceOf(FormatException.class)
                .hasMessage("a labels file is only for idx images, not for csv input");
        Preprocessing wide = preprocessing(FormatOptions.builder(InputFormat.CSV, 784).build(), FeatureScaler.none());
        assertThatThrownBy(() -> FilePredictor.builder(model, csv).preprocessing(wide).build())
                .isInstanceOf(ArtifactException.class)
                .hasMessage("preprocessing.json describes an input of 784 features, but model v00000001 has 3");
    }

    @Test
    void progress_isReportedWhileScoring() throws Exception {
        SavedModel model = model(SOFTMAX, 1);
        StringBuilder text = new StringBuilder();
        rows(1000, 2).forEach(e -> text.append(jsonl(e, false)).append('\n'));
        Path input = Files.writeString(dir.resolve("many.jsonl"), text);
        List<Long> reported = new ArrayList<>();

        FilePredictor.builder(model, input)
                .progress(Duration.ofNanos(1), (rows, invalid, millis) -> reported.add(rows))
                .build()
                .run(null);

        assertThat(reported).containsExactly(256L, 512L, 768L);
    }
}
