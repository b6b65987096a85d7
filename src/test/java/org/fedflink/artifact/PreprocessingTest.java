package org.fedflink.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecLoader;
import org.fedflink.data.Example;
import org.fedflink.data.FeatureScaler;
import org.fedflink.data.FormatOptions;
import org.fedflink.data.InputFormat;
import org.fedflink.data.Standardizer;
import org.fedflink.data.TextHashing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreprocessingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static JobSpec csvJob() throws Exception {
        return JobSpecLoader.parse("""
                job: csv-job
                input:
                  type: csv
                  path: data/train.csv
                  maxLineBytes: 4096
                  csv: {delimiter: ";"}
                  scaling: {type: standardize, examples: 3}
                model: {type: softmax, features: 3, classes: 3}
                """, null);
    }

    private static FormatOptions unusualOptions() {
        return FormatOptions.builder(InputFormat.CSV, 4)
                .sourceField("client")
                .timeField(null)
                .labelField("y")
                .textField("body")
                .csvHeader(false)
                .csvDelimiter('\t')
                .labelMap(Map.of("cat", 0.0, "dog", 1.0, "kitten", 0.0))
                .hashing(new TextHashing(2, 3, false))
                .unknownFields(FormatOptions.UnknownFields.REJECT)
                .build();
    }

    private static Standardizer standardizer() {
        List<Example> sample = List.of(
                new Example("s", 0, 0, null, new float[] {0.1f, 7, 3}),
                new Example("s", 0, 0, null, new float[] {0.7f, -2, 3}),
                new Example("s", 0, 0, null, new float[] {1e-3f, 5, 3}));
        return Standardizer.fit(sample, 3);
    }

    @Test
    void writeThenRead_keepsEveryFormatOptionAndTheJobSpec() throws Exception {
        JobSpec spec = csvJob();
        Preprocessing written = Preprocessing.of(spec, unusualOptions(), FeatureScaler.divideBy(255));

        Path file = written.write(dir);
        Preprocessing read = Preprocessing.read(file);

        assertThat(file).isEqualTo(dir.resolve("preprocessing.json"));
        assertThat(read.options()).isEqualTo(unusualOptions());
        assertThat(read.scaler()).isEqualTo(FeatureScaler.divideBy(255));
        assertThat(read.job()).isEqualTo("csv-job");
        assertThat(read.inputType()).isEqualTo("csv");
        assertThat(read.maxLineBytes()).isEqualTo(4096);
        assertThat(read.isFileInput()).isTrue();
        assertThat(read.format()).contains(InputFormat.CSV);
        assertThat(read.toJobSpec()).isEqualTo(spec);
        assertThat(Files.list(dir).map(p -> p.getFileName().toString()).toList()).containsExactly("preprocessing.json");
    }

    @Test
    void file_isTheDocumentedLayout() throws Exception {
        Preprocessing.of(csvJob(), unusualOptions(), FeatureScaler.divideBy(2)).write(dir);

        ObjectNode root = (ObjectNode) JSON.readTree(dir.resolve("preprocessing.json").toFile());

        assertThat(root.path("format").asText()).isEqualTo("fedflink-preprocessing/1");
        assertThat(root.path("input").path("type").asText()).isEqualTo("csv");
        assertThat(root.path("input").path("path").asText()).isEqualTo("data/train.csv");
        assertThat(root.path("formatOptions").path("csvDelimiter").asText()).isEqualTo("\t");
        assertThat(root.path("formatOptions").path("labelMap").toString()).isEqualTo("{\"cat\":0.0,\"kitten\":0.0,\"dog\":1.0}");
        assertThat(root.path("formatOptions").path("timeField").isNull()).isTrue();
        assertThat(root.path("formatOptions").path("unknownFields").asText()).isEqualTo("reject");
        assertThat(root.path("scaling").toString()).isEqualTo("{\"type\":\"divide\",\"divisor\":2.0}");
        assertThat(root.path("jobSpec").path("input").path("scaling").path("type").asText()).isEqualTo("standardize");
    }

    @Test
    void standardizer_readsBackBitForBit() throws Exception {
        Standardizer fitted = standardizer();
        Preprocessing.of(csvJob(), FormatOptions.builder(InputFormat.CSV, 3).build(), fitted).write(dir);

        Standardizer read = (Standardizer) Preprocessing.read(dir.resolve("preprocessing.json")).scaler();

        for (int j = 0; j < 3; j++) {
            assertThat(read.mean(j)).isEqualTo(fitted.mean(j));
            assertThat(read.std(j)).isEqualTo(fitted.std(j));
        }
        Example e = new Example("s", 0, 0, null, new float[] {0.3f, 1, 3});
        assertThat(read.apply(e).values()).containsExactly(fitted.apply(e).values());
    }

    @Test
    void generatorRun_hasNoFormatOptionsAndNoScaling() throws Exception {
        JobSpec spec = JobSpecLoader.parse("job: gen\nmodel: {type: logistic, features: 5}", null);

        Preprocessing read = Preprocessing.read(Preprocessing.of(spec, null, FeatureScaler.none()).write(dir));

        assertThat(read.inputType()).isEqualTo("generator");
        assertThat(read.options()).isNull();
        assertThat(read.isFileInput()).isFalse();
        assertThat(read.format()).isEmpty();
        assertThat(read.scaler()).isSameAs(FeatureScaler.none());
    }

    @Test
    void of_aScalerItCannotRecord() {
        FeatureScaler custom = e -> e;

        assertThatThrownBy(() -> Preprocessing.of(csvJob(), null, custom))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot record a feature scaler of type ");
    }

    @Test
    void find_isEmptyWithoutTheFile() {
        assertThat(Preprocessing.find(dir)).isEmpty();
    }

    @Test
    void read_otherFormat() throws Exception {
        Path file = Files.writeString(dir.resolve("preprocessing.json"), "{\"format\": \"something/2\"}");

        assertThatThrownBy(() -> Preprocessing.read(file))
                .isInstanceOf(ArtifactException.class)
                .hasMessage(file + " is not a preprocessing file (format 'something/2', expected fedflink-preprocessing/1)");
    }

    @Test
    void read_standardizerOfTheWrongLength() throws Exception {
        Path file = Preprocessing.of(csvJob(), FormatOptions.builder(InputFormat.CSV, 3).build(), standardizer())
                .write(dir);
        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
        ((ArrayNode) root.path("scaling").path("std")).remove(2);
        JSON.writeValue(file.toFile(), root);

        assertThatThrownBy(() -> Preprocessing.read(file))
                .isInstanceOf(ArtifactException.class)
                .hasMessage(file + ": scaling.std must be a list of 3 numbers, got 2 elements");
    }

    @Test
    void read_unknownScaling_andInvalidOptions() throws Exception {
        Path file = Preprocessing.of(csvJob(), FormatOptions.builder(InputFormat.CSV, 3).build(), FeatureScaler.none())
                .write(dir);
        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
        ((ObjectNode) root.path("scaling")).put("type", "log");
        JSON.writeValue(file.toFile(), root);

        assertThatThrownBy(() -> Preprocessing.read(file))
                .hasMessage(file + ": scaling.type 'log' is not one of none, divide, standardize");

        ((ObjectNode) root.path("scaling")).put("type", "none");
        ((ObjectNode) root.path("formatOptions")).put("libsvmIndexBase", 2);
        JSON.writeValue(file.toFile(), root);

        assertThatThrownBy(() -> Preprocessing.read(file)).hasMessage(file + ": libsvmIndexBase must be 0 or 1, got 2");

        ((ObjectNode) root.path("formatOptions")).put("libsvmIndexBase", 1).put("unknownFields", "skip");
        JSON.writeValue(file.toFile(), root);

        assertThatThrownBy(() -> Preprocessing.read(file))
                .hasMessage(file + ": formatOptions.unknownFields must be ignore or reject, got \"skip\"");
    }

    @Test
    void read_fileFromBeforeUnknownFieldsWasRecorded_ignoresThem() throws Exception {
        FormatOptions reject = FormatOptions.builder(InputFormat.JSONL, 3)
                .unknownFields(FormatOptions.UnknownFields.REJECT).build();
        Path file = Preprocessing.of(csvJob(), reject, FeatureScaler.none()).write(dir);
        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
        ((ObjectNode) root.path("formatOptions")).remove("unknownFields");
        JSON.writeValue(file.toFile(), root);

        assertThat(Preprocessing.read(file).options().unknownFields()).isEqualTo(FormatOptions.UnknownFields.IGNORE);
    }
}
