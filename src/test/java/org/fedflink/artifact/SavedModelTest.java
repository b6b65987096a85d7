package org.fedflink.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SavedModelTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ModelSpec SOFTMAX = new ModelSpec(ModelType.SOFTMAX, 4, 3, 0.01);

    @TempDir
    Path dir;

    private Path write(ModelSpec spec, long version) throws Exception {
        return ModelFixture.writeVersion(dir, "job-a", version, spec, ModelFixture.params(spec, version));
    }

    /** Rewrites one field of a metadata file. */
    private void edit(Path file, java.util.function.Consumer<ObjectNode> change) throws Exception {
        ObjectNode meta = (ObjectNode) JSON.readTree(file.toFile());
        change.accept(meta);
        JSON.writeValue(file.toFile(), meta);
    }

    /** The shape the model writer and {@code models show} write is the one load reads back, for every type. */
    @Test
    void shape_isReadBackByLoad() throws Exception {
        List<ModelSpec> specs = List.of(SOFTMAX,
                new ModelSpec(ModelType.LINEAR, 3, 2, 0.5),
                new ModelSpec(ModelType.LOGISTIC, 3, 2, 0.0),
                new ModelSpec(ModelType.MLP, 5, 4, 0.001, List.of(6, 3)));
        long version = 1;
        for (ModelSpec spec : specs) {
            Path file = write(spec, version++);
            edit(file, meta -> meta.set("model", JSON.valueToTree(SavedModel.shape(spec))));
            assertThat(SavedModel.load(file).spec()).isEqualTo(spec);
        }
        assertThat(SavedModel.parent(0, "job")).isNull();
        assertThat(SavedModel.parent(4, "job")).containsEntry("version", 4L).containsEntry("jobId", "job");
    }

    @Test
    void load_readsShapeVersionAndExactParameters() throws Exception {
        Path file = write(SOFTMAX, 7);

        SavedModel model = SavedModel.load(file);

        assertThat(model.version()).isEqualTo(7);
        assertThat(model.name()).isEqualTo("v00000007");
        assertThat(model.job()).isEqualTo("job-a");
        assertThat(model.isFinal()).isFalse();
        assertThat(model.spec()).isEqualTo(SOFTMAX);
        assertThat(model.params()).containsExactly(ModelFixture.params(SOFTMAX, 7));
        assertThat(model.file()).isEqualTo(file);
    }

    @Test
    void load_everyModelType() throws Exception {
        List<ModelSpec> specs = List.of(
                new ModelSpec(ModelType.LINEAR, 3, 2, 0.0),
                new ModelSpec(ModelType.LOGISTIC, 3, 2, 0.0),
                new ModelSpec(ModelType.MLP, 5, 4, 0.0, List.of(6, 3)));
        long version = 1;
        for (ModelSpec spec : specs) {
            SavedModel model = SavedModel.load(write(spec, version));
            assertThat(model.spec()).isEqualTo(spec);
            assertThat(model.params()).containsExactly(ModelFixture.params(spec, version));
            version++;
        }
    }

    @Test
    void load_largeParameterFile_acrossReadChunks() throws Exception {
        ModelSpec big = new ModelSpec(ModelType.SOFTMAX, 9_999, 7, 0.0); // 70,000 params: several 64 KiB chunks

        SavedModel model = SavedModel.load(write(big, 3));

        assertThat(model.params()).containsExactly(ModelFixture.params(big, 3));
    }

    @Test
    void load_latestJson_isTheNewestVersion() throws Exception {
        write(SOFTMAX, 1);
        write(SOFTMAX, 2);

        assertThat(SavedModel.load(dir.resolve("latest.json")).version()).isEqualTo(2);
    }

    @Test
    void load_missingFile() {
        assertThatThrownBy(() -> SavedModel.load(dir.resolve("v00000001.json")))
                .isInstanceOf(ArtifactException.class)
                .hasMessage("model file " + dir.resolve("v00000001.json") + " does not exist");
    }

    @Test
    void load_notJson() throws Exception {
        Path file = Files.writeString(dir.resolve("v00000001.json"), "{\"format\": ");

        assertThatThrownBy(() -> SavedModel.load(file))
                .isInstanceOf(ArtifactException.class)
                .hasMessageStartingWith(file + " is not a model file (not JSON: ");
    }

    @Test
    void load_otherFormat() throws Exception {
        Path file = write(SOFTMAX, 1);
        edit(file, m -> m.put("format", "fedflink-model/9"));

        assertThatThrownBy(() -> SavedModel.load(file))
                .hasMessage(file + " is not a model file (format 'fedflink-model/9', expected fedflink-model/1)");
    }

    @Test
    void load_numParamsThatDoNotMatchTheShape() throws Exception {
        Path file = write(SOFTMAX, 1);
        edit(file, m -> ((ObjectNode) m.get("model")).put("numParams", 14));

        assertThatThrownBy(() -> SavedModel.load(file))
                .hasMessage(file + ": model.numParams is 14 but a softmax model of 4 features and 3 classes has 15");
    }

    @Test
    void load_unknownModelType() throws Exception {
        Path file = write(SOFTMAX, 1);
        edit(file, m -> ((ObjectNode) m.get("model")).put("type", "forest"));

        assertThatThrownBy(() -> SavedModel.load(file))
                .hasMessage(file + ": model.type 'forest' is not one of linear, logistic, softmax, mlp");
    }

    @Test
    void load_invalidShape() throws Exception {
        Path file = write(SOFTMAX, 1);
        edit(file, m -> ((ObjectNode) m.get("model")).put("classes", 1));

        assertThatThrownBy(() -> SavedModel.load(file))
                .hasMessage(file + ": invalid model shape: softmax needs classes >= 2, got 1");
    }

    @Test
    void load_missingParameterFile() throws Exception {
        Path file = write(SOFTMAX, 1);
        Files.delete(dir.resolve("v00000001.f32"));

        assertThatThrownBy(() -> SavedModel.load(file))
                .hasMessage("parameter file " + dir.resolve("v00000001.f32") + " is missing");
    }

    @Test
    void load_parameterFileOfTheWrongSize() throws Exception {
        Path file = write(SOFTMAX, 1);
        Path params = dir.resolve("v00000001.f32");
        Files.write(params, java.util.Arrays.copyOf(Files.readAllBytes(params), 56));

        assertThatThrownBy(() -> SavedModel.load(file))
                .hasMessage(params + " has 56 bytes, expected 60 (15 float32 parameters)");
    }

    @Test
    void load_corruptParameterFile_failsTheChecksum() throws Exception {
        Path file = write(SOFTMAX, 1);
        Path params = dir.resolve("v00000001.f32");
        byte[] bytes = Files.readAllBytes(params);
        bytes[17] ^= 0x01;
        Files.write(params, bytes);

        assertThatThrownBy(() -> SavedModel.load(file))
                .isInstanceOf(ArtifactException.class)
                .hasMessageMatching(java.util.regex.Pattern.quote(params.toString())
                        + " is corrupt: its checksum is crc32:[0-9a-f]{8}, the metadata says crc32:[0-9a-f]{8}");
    }

    @Test
    void load_paramsNamingAnotherFolder_isRefused() throws Exception {
        Path file = write(SOFTMAX, 1);
        edit(file, m -> m.put("params", "../elsewhere.f32"));

        assertThatThrownBy(() -> SavedModel.load(file))
                .hasMessage(file + ": params must name the parameter file in the same folder, got '../elsewhere.f32'");
    }

    @Test
    void load_missingChecksum() throws Exception {
        Path file = write(SOFTMAX, 1);
        edit(file, m -> m.remove("checksum"));

        assertThatThrownBy(() -> SavedModel.load(file))
                .hasMessage(file + ": checksum must look like crc32:0123abcd, got nothing");
    }
}
