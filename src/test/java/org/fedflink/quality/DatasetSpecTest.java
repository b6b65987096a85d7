package org.fedflink.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetSpecTest {

    @TempDir
    Path tmp;

    private Path write(String yaml) throws Exception {
        return Files.writeString(tmp.resolve("d.yaml"), yaml);
    }

    @Test
    void load_driftStream_readsItsChangesAndPreparation() throws Exception {
        DatasetSpec spec = DatasetSpec.load(write("""
                dataset: sea-abrupt
                task: binary
                prepare: {kind: moa, stream: x}
                job:
                  input: {type: jsonl, path: "${data}/train.jsonl", partition: {scheme: iid, sources: 8}}
                  model: {type: logistic, features: 3}
                  evaluation: {holdouts: {before: "${data}/a.jsonl"}}
                reference: moa
                drift: {changes: [20000, 40000], width: 1}
                """));
        assertThat(spec.dataset()).isEqualTo("sea-abrupt");
        assertThat(spec.drifts()).isTrue();
        assertThat(spec.driftChanges()).containsExactly(20000L, 40000L);
        assertThat(spec.reference()).isEqualTo("moa");
        assertThat(spec.prepare().path("kind").asText()).isEqualTo("moa");
    }

    @Test
    void load_learningKeys_areRefused_soARowIsWhatTheDefaultsGive() throws Exception {
        assertThatThrownBy(() -> DatasetSpec.load(write("""
                dataset: d
                task: binary
                job:
                  input: {type: generator}
                  model: {type: logistic, features: 3}
                  optimizer: {learningRate: 0.5}
                """))).hasMessageEndingWith("job key 'optimizer' is not for a dataset to set (the suite runs the project's"
                        + " defaults; a dataset names only evaluation.holdout, evaluation.holdoutLabelsPath,"
                        + " evaluation.holdoutPath, evaluation.holdouts, input, model.classes, model.features,"
                        + " model.hidden, model.type)");
        assertThatThrownBy(() -> DatasetSpec.load(write("""
                dataset: d
                task: binary
                job: {model: {type: logistic, features: 3, l2: 0.1}}
                """))).hasMessageContaining("job key 'model.l2' is not for a dataset to set");
    }

    @Test
    void load_badFiles_sayWhatIsWrong() throws Exception {
        assertThatThrownBy(() -> DatasetSpec.load(write("dataset: Big Name\ntask: binary\njob: {}\n")))
                .hasMessageEndingWith("dataset 'Big Name' must be 1 to 64 of a-z, 0-9 and '-'");
        assertThatThrownBy(() -> DatasetSpec.load(write("dataset: d\ntask: ranking\njob: {}\n")))
                .hasMessageEndingWith("task must be one of [binary, multiclass, regression], got 'ranking'");
        assertThatThrownBy(() -> DatasetSpec.load(write("dataset: d\ntask: binary\njob: {}\nseed: 3\n")))
                .hasMessageEndingWith("unknown key 'seed' (allowed: dataset, description, drift, job, prepare, reference,"
                        + " task)");
        assertThatThrownBy(() -> DatasetSpec.load(write("dataset: d\ntask: binary\njob: {}\ndrift: {changes: [0]}\n")))
                .hasMessageEndingWith("drift.changes must be positive stream positions, got 0");
    }

    @Test
    void jobTree_substitutesTheDataFolder_andAddsBothBaselinesAndPredictionsOnly() throws Exception {
        DatasetSpec spec = DatasetSpec.load(write("""
                dataset: files
                task: binary
                job:
                  input: {type: jsonl, path: "${data}/train.jsonl"}
                  model: {type: logistic, features: 3}
                  evaluation: {holdoutPath: "${data}/holdout.jsonl"}
                """));
        ObjectNode tree = QualitySuite.jobTree(spec, Path.of("/d/files"));
        Path file = Files.writeString(tmp.resolve("job.yaml"),
                new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().writeValueAsString(tree));
        JobSpec job = JobSpecLoader.load(file, List.of());
        assertThat(job.job()).isEqualTo("quality-files");
        assertThat(job.input().path()).isEqualTo("/d/files/train.jsonl");
        assertThat(job.evaluation().holdoutPath()).isEqualTo("/d/files/holdout.jsonl");
        assertThat(job.evaluation().baseline()).containsExactly(JobSpec.Baseline.CENTRALIZED, JobSpec.Baseline.LOCAL);
        assertThat(job.output().predictions()).isTrue();
        // everything that shapes learning is the default
        JobSpec defaults = JobSpecLoader.parse("job: x\nmodel: {type: logistic, features: 3}\n", List.of());
        assertThat(job.optimizer()).isEqualTo(defaults.optimizer());
        assertThat(job.rounds()).isEqualTo(defaults.rounds());
        assertThat(job.aggregation()).isEqualTo(defaults.aggregation());
        assertThat(job.trainer()).isEqualTo(defaults.trainer());
    }

    @Test
    void largestDrop_isTheLargestFallBetweenScoredVersions() throws Exception {
        Path csv = Files.writeString(tmp.resolve("metrics.csv"), """
                version,createdMillis,samplesInModel,holdoutAccuracy
                1,0,10,0.50
                2,0,20,
                3,0,30,0.80
                4,0,40,0.55
                5,0,50,0.90
                """);
        assertThat(QualityRow.largestDrop(csv)).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-12));
        Path rising = Files.writeString(tmp.resolve("rising.csv"),
                "version,createdMillis,samplesInModel,holdoutAccuracy\n1,0,10,0.5\n2,0,20,0.6\n");
        assertThat(QualityRow.largestDrop(rising)).isZero();
    }
}
