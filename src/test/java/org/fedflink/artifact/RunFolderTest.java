package org.fedflink.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.fedflink.config.JobSpecLoader;
import org.fedflink.data.FeatureScaler;
import org.fedflink.data.FormatOptions;
import org.fedflink.data.InputFormat;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFolderTest {

    private static final ModelSpec SPEC = new ModelSpec(ModelType.SOFTMAX, 3, 2, 0.0);

    @TempDir
    Path tmp;

    private static RunFolder.Selection version(long v) {
        return new RunFolder.Selection(null, false, v);
    }

    private static RunFolder.Selection task(String name) {
        return new RunFolder.Selection(name, false, null);
    }

    private static void versions(Path models, long... versions) throws Exception {
        for (long v : versions) {
            ModelFixture.writeVersion(models, "job", v, SPEC, ModelFixture.params(SPEC, v));
        }
    }

    /** A preprocessing that tells which folder it was written for (by its divisor). */
    private static void preprocessing(Path dir, double divisor) throws Exception {
        var spec = JobSpecLoader.parse("job: job\nmodel: {type: softmax, features: 3}\ninput: {type: csv, path: x.csv}",
                null);
        Preprocessing.of(spec, FormatOptions.builder(InputFormat.CSV, 3).build(), FeatureScaler.divideBy(divisor))
                .write(dir);
    }

    private static double divisor(RunFolder.LocatedModel located) {
        return ((FeatureScaler.DivideBy) located.preprocessing().orElseThrow().scaler()).divisor();
    }

    @Test
    void load_runFolder_latestByDefault_withItsPreprocessing() throws Exception {
        Path run = tmp.resolve("run");
        versions(run.resolve("models"), 1, 2, 3);
        preprocessing(run, 255);

        RunFolder.LocatedModel located = RunFolder.load(run, RunFolder.Selection.latest());

        assertThat(located.model().version()).isEqualTo(3);
        assertThat(located.runFolder()).isEqualTo(run.toAbsolutePath());
        assertThat(located.task()).isNull();
        assertThat(located.baseline()).isFalse();
        assertThat(divisor(located)).isEqualTo(255);
    }

    @Test
    void load_latest_followsLatestJson_notTheHighestFile() throws Exception {
        // a restore from an older savepoint leaves the abandoned timeline's later files behind
        Path models = tmp.resolve("run/models");
        versions(models, 1, 2, 3);
        Files.copy(models.resolve("v00000002.json"), models.resolve("latest.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThat(RunFolder.load(tmp.resolve("run"), RunFolder.Selection.latest()).model().version()).isEqualTo(2);
    }

    @Test
    void load_latest_withoutLatestJson_isTheHighestVersion() throws Exception {
        Path models = tmp.resolve("run/models");
        versions(models, 1, 12, 3);
        Files.delete(models.resolve("latest.json"));

        assertThat(RunFolder.load(tmp.resolve("run"), RunFolder.Selection.latest()).model().version()).isEqualTo(12);
    }

    @Test
    void load_version() throws Exception {
        versions(tmp.resolve("run/models"), 1, 2, 3);

        assertThat(RunFolder.load(tmp.resolve("run"), version(2)).model().version()).isEqualTo(2);
    }

    @Test
    void load_missingVersion_namesTheVersionsThereAre() throws Exception {
        versions(tmp.resolve("run/models"), 1, 2, 3);

        assertThatThrownBy(() -> RunFolder.load(tmp.resolve("run"), version(7)))
                .isInstanceOf(ArtifactException.class)
                .hasMessage("no version 7 in " + tmp.resolve("run/models") + " (it has 3 versions, 1 to 3)");
    }

    @Test
    void load_modelsFolder_andOneModelFile_findTheRunUpwards() throws Exception {
        Path run = tmp.resolve("run");
        versions(run.resolve("models"), 1, 2);
        preprocessing(run, 10);

        RunFolder.LocatedModel fromModels = RunFolder.load(run.resolve("models"), version(1));
        RunFolder.LocatedModel fromFile = RunFolder.load(run.resolve("models/v00000001.json"), RunFolder.Selection.latest());

        assertThat(fromModels.model().version()).isEqualTo(1);
        assertThat(fromFile.model().version()).isEqualTo(1);
        assertThat(fromFile.runFolder()).isEqualTo(run.toAbsolutePath());
        assertThat(divisor(fromModels)).isEqualTo(10);
        assertThat(divisor(fromFile)).isEqualTo(10);
    }

    @Test
    void load_oneModelFile_takesNoSelection() throws Exception {
        versions(tmp.resolve("run/models"), 1);
        Path file = tmp.resolve("run/models/v00000001.json");

        assertThatThrownBy(() -> RunFolder.load(file, version(1)))
                .hasMessage(file + " is one model file: its task, baseline and version cannot be chosen (give the run"
                        + " folder instead)");
    }

    @Test
    void load_baseline_hasTheRunsPreprocessing() throws Exception {
        Path run = tmp.resolve("run");
        versions(run.resolve("models"), 1, 2);
        versions(run.resolve("baseline/models"), 1, 2, 3, 4);
        preprocessing(run, 3);

        RunFolder.LocatedModel located = RunFolder.load(run, new RunFolder.Selection(null, true, null));
        RunFolder.LocatedModel fromFile = RunFolder.load(run.resolve("baseline/models/v00000002.json"),
                RunFolder.Selection.latest());

        assertThat(located.model().version()).isEqualTo(4);
        assertThat(located.baseline()).isTrue();
        assertThat(located.runFolder()).isEqualTo(run.toAbsolutePath());
        assertThat(divisor(located)).isEqualTo(3);
        assertThat(fromFile.baseline()).isTrue();
        assertThat(fromFile.runFolder()).isEqualTo(run.toAbsolutePath());
    }

    @Test
    void load_baselineOfARunWithoutOne() throws Exception {
        versions(tmp.resolve("run/models"), 1);

        assertThatThrownBy(() -> RunFolder.load(tmp.resolve("run"), new RunFolder.Selection(null, true, null)))
                .hasMessage("run " + tmp.resolve("run") + " has no baseline models (no baseline/models/: the job's"
                        + " evaluation.baseline was not centralized)");
    }

    @Test
    void load_severalTasksWithoutTask_listsThem() throws Exception {
        Path run = tmp.resolve("run");
        versions(run.resolve("tasks/topic/models"), 1);
        versions(run.resolve("tasks/mood/models"), 1);

        assertThatThrownBy(() -> RunFolder.load(run, RunFolder.Selection.latest()))
                .isInstanceOf(ArtifactException.class)
                .hasMessage("run " + run + " has 2 tasks; choose one with --task (tasks: mood, topic)");
    }

    @Test
    void load_task_usesTheTasksOwnPreprocessingFirst_thenTheRuns() throws Exception {
        Path run = tmp.resolve("run");
        versions(run.resolve("tasks/topic/models"), 1, 2);
        versions(run.resolve("tasks/topic/baseline/models"), 1);
        versions(run.resolve("tasks/mood/models"), 1);
        preprocessing(run, 1);
        preprocessing(run.resolve("tasks/topic"), 2);

        RunFolder.LocatedModel topic = RunFolder.load(run, task("topic"));
        RunFolder.LocatedModel mood = RunFolder.load(run, task("mood"));
        RunFolder.LocatedModel topicBaseline = RunFolder.load(run.resolve("tasks/topic/baseline/models/v00000001.json"),
                RunFolder.Selection.latest());

        assertThat(topic.model().version()).isEqualTo(2);
        assertThat(topic.task()).isEqualTo("topic");
        assertThat(topic.runFolder()).isEqualTo(run.toAbsolutePath());
        assertThat(divisor(topic)).isEqualTo(2);
        assertThat(divisor(mood)).isEqualTo(1);
        assertThat(topicBaseline.task()).isEqualTo("topic");
        assertThat(topicBaseline.baseline()).isTrue();
        assertThat(topicBaseline.runFolder()).isEqualTo(run.toAbsolutePath());
        assertThat(divisor(topicBaseline)).isEqualTo(2);
    }

    @Test
    void load_theOnlyTask_needsNoName() throws Exception {
        versions(tmp.resolve("run/tasks/only/models"), 1);

        RunFolder.LocatedModel located = RunFolder.load(tmp.resolve("run"), RunFolder.Selection.latest());

        assertThat(located.task()).isEqualTo("only");
    }

    @Test
    void load_unknownTask_andATaskOfASingleTaskRun() throws Exception {
        versions(tmp.resolve("multi/tasks/topic/models"), 1);
        versions(tmp.resolve("single/models"), 1);

        assertThatThrownBy(() -> RunFolder.load(tmp.resolve("multi"), task("mood")))
                .hasMessage("run " + tmp.resolve("multi") + " has no task 'mood' (tasks: topic)");
        assertThatThrownBy(() -> RunFolder.load(tmp.resolve("single"), task("mood")))
                .hasMessage("run " + tmp.resolve("single") + " has no tasks (it is a run of one task); leave out --task");
    }

    @Test
    void load_somethingElse() throws Exception {
        Files.createDirectories(tmp.resolve("empty"));

        assertThatThrownBy(() -> RunFolder.load(tmp.resolve("empty"), RunFolder.Selection.latest()))
                .hasMessage(tmp.resolve("empty") + " is not a run folder, a models folder or a model file (it has no"
                        + " models/, tasks/ or vNNNNNNNN.json)");
        assertThatThrownBy(() -> RunFolder.load(tmp.resolve("nowhere"), RunFolder.Selection.latest()))
                .hasMessage(tmp.resolve("nowhere") + " does not exist");
    }

    @Test
    void load_runWithoutPreprocessing_hasNone() throws Exception {
        versions(tmp.resolve("run/models"), 1);

        assertThat(RunFolder.load(tmp.resolve("run"), RunFolder.Selection.latest()).preprocessing()).isEmpty();
    }

    @Test
    void load_runFolderNamedBaseline_isNotTakenForABaseline() throws Exception {
        Path run = tmp.resolve("baseline");
        versions(run.resolve("models"), 1);
        preprocessing(run, 7);

        RunFolder.LocatedModel located = RunFolder.load(run, RunFolder.Selection.latest());

        assertThat(located.baseline()).isFalse();
        assertThat(located.runFolder()).isEqualTo(run.toAbsolutePath());
        assertThat(divisor(located)).isEqualTo(7);
    }

    @Test
    void versions_ascending_ignoringOtherFiles() throws Exception {
        Path models = tmp.resolve("models");
        versions(models, 10, 2, 1);
        Files.writeString(models.resolve("v00000003.json.tmp"), "");

        assertThat(RunFolder.versions(models)).containsExactly(1L, 2L, 10L);
    }
}
