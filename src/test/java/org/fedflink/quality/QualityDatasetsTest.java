package org.fedflink.quality;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecLoader;
import org.fedflink.model.ModelType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every file of {@code quality/datasets/}: its job fragment loads as a job spec once {@code ${data}} is set. */
class QualityDatasetsTest {

    private static final Path DATASETS = Path.of("quality", "datasets");

    private static final YAMLMapper YAML = new YAMLMapper();

    /** The keys a job fragment may set (docs/quality.md): input, model type and size, holdouts. */
    private static final Set<String> MODEL_KEYS = Set.of("type", "features", "classes", "hidden");

    private static final Set<String> EVALUATION_KEYS = Set.of("holdoutPath", "holdoutLabelsPath", "holdouts", "holdout");

    static Stream<Path> datasets() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(DATASETS)) {
            list.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(files::add);
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(8);
        return files.stream();
    }

    /** The job spec of a dataset file, with {@code ${data}} set to {@code data}. */
    static JobSpec jobSpec(JsonNode dataset, Path data) throws Exception {
        ObjectNode job = YAML.createObjectNode().put("job", dataset.path("dataset").asText());
        job.setAll((ObjectNode) dataset.path("job"));
        String yaml = YAML.writeValueAsString(job).replace("${data}", data.toString());
        return JobSpecLoader.parse(yaml, List.of());
    }

    @ParameterizedTest
    @MethodSource("datasets")
    void jobFragment_loadsAsAJobSpec(Path file) throws Exception {
        JsonNode dataset = YAML.readTree(file.toFile());
        String name = file.getFileName().toString().replace(".yaml", "");

        assertThat(dataset.path("dataset").asText()).isEqualTo(name).matches("[a-z0-9-]+");
        assertThat(dataset.path("task").asText()).isIn("binary", "multiclass", "regression");
        assertThat(dataset.path("reference").asText()).isIn("pooled", "moa");
        assertThat(dataset.path("description").asText()).isNotBlank();
        List<String> top = new ArrayList<>();
        dataset.fieldNames().forEachRemaining(top::add);
        assertThat(top).isSubsetOf("dataset", "task", "description", "prepare", "job", "reference", "drift");
        List<String> sections = new ArrayList<>();
        dataset.path("job").fieldNames().forEachRemaining(sections::add);
        assertThat(sections).isSubsetOf("input", "model", "evaluation");
        dataset.path("job").path("model").fieldNames().forEachRemaining(k -> assertThat(MODEL_KEYS).contains(k));
        dataset.path("job").path("evaluation").fieldNames().forEachRemaining(k -> assertThat(EVALUATION_KEYS).contains(k));

        JobSpec spec = jobSpec(dataset, Path.of("/data/quality", name));

        assertThat(spec.job()).isEqualTo(name);
        ModelType type = spec.model().type();
        switch (dataset.path("task").asText()) {
            case "binary" -> assertThat(type).isEqualTo(ModelType.LOGISTIC);
            case "multiclass" -> assertThat(type).isIn(ModelType.SOFTMAX, ModelType.MLP);
            default -> assertThat(type).isEqualTo(ModelType.LINEAR);
        }
        if (spec.input().path() != null && dataset.has("prepare")) {
            assertThat(spec.input().path()).startsWith("/data/quality/" + name + "/");
        }
        boolean holdout = spec.evaluation().holdoutPath() != null || !spec.evaluation().holdouts().isEmpty()
                || spec.evaluation().holdout() > 0;
        assertThat(holdout).as("a holdout to score on").isTrue();
    }

    @ParameterizedTest
    @MethodSource("datasets")
    void prepare_makesASource_thatAgreesWithTheJob(Path file) throws Exception {
        JsonNode dataset = YAML.readTree(file.toFile());
        var source = DatasetSources.of(dataset, Path.of(""));
        JobSpec spec = jobSpec(dataset, Path.of("/d"));

        assertThat(source.isPresent()).isEqualTo(dataset.has("prepare"));
        if (source.isEmpty()) {
            return;
        }
        if (source.get() instanceof MoaStream moa) {
            assertThat(dataset.path("reference").asText()).isEqualTo("moa");
            assertThat(spec.input().partition().scheme()).isEqualTo(JobSpec.PartitionScheme.IID);
            List<String> prepared = new ArrayList<>();
            dataset.path("prepare").path("holdouts").fieldNames().forEachRemaining(prepared::add);
            assertThat(spec.evaluation().holdouts().keySet()).containsExactlyElementsOf(prepared);
            spec.evaluation().holdouts().forEach((n, h) -> assertThat(h.path()).isEqualTo("/d/holdout-" + n + ".jsonl"));
            // the primary holdout is the last one: the concept the stream ends in
            assertThat(spec.evaluation().holdoutPath()).isEqualTo("/d/holdout-" + prepared.get(prepared.size() - 1) + ".jsonl");
            assertThat(moa.instances(false)).isEqualTo(dataset.path("prepare").path("instances").asLong());
        } else {
            assertThat(source.get()).isInstanceOf(DebianPackages.class);
            assertThat(spec.evaluation().holdoutPath()).isEqualTo("/d/holdout.jsonl");
            if (spec.model().type() == ModelType.SOFTMAX) {
                assertThat(spec.input().labelNames()).hasSize(dataset.path("prepare").path("classes").asInt());
            }
        }
    }
}
