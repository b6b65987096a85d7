package org.fedflink.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.fedflink.model.ModelType;
import org.junit.jupiter.api.Test;

class JobSpecTasksTest {

    private static final String TWO_TASKS = """
            job: multi
            input:
              type: csv
              path: /data/train.csv
              fields: {source: none}
              partition: {scheme: iid, sources: 10}
            model:
              type: softmax
              features: 784
              classes: 10
            optimizer:
              learningRate: 0.1
              decay: 0.01
            rounds:
              localExamples: 10
            tasks:
              - name: linear
              - name: mlp
                model:
                  type: mlp
                  hidden: [64]
                optimizer:
                  learningRate: 0.05
                rounds: {updatesPerRound: 4}
            """;

    private static JobSpec parse(String yaml, String... overrides) throws JobSpecException {
        return JobSpecLoader.parse(yaml, List.of(overrides));
    }

    @Test
    void tasks_mergeTheirSectionsKeyByKeyOverTheJobs() throws Exception {
        JobSpec spec = parse(TWO_TASKS);

        assertThat(spec.isMultiTask()).isTrue();
        assertThat(spec.runTasks()).extracting(JobSpec.Task::name).containsExactly("linear", "mlp");
        JobSpec linear = spec.runTasks().get(0).spec();
        JobSpec mlp = spec.runTasks().get(1).spec();
        assertThat(linear.model().type()).isEqualTo(ModelType.SOFTMAX);
        assertThat(linear.optimizer().learningRate()).isEqualTo(0.1);
        assertThat(linear.rounds().updatesPerRound()).isNull(); // the default: the server sizes rounds
        assertThat(mlp.model().type()).isEqualTo(ModelType.MLP);
        assertThat(mlp.model().features()).isEqualTo(784); // the job's, not repeated in the task
        assertThat(mlp.model().hidden()).containsExactly(64);
        assertThat(mlp.optimizer().learningRate()).isEqualTo(0.05);
        assertThat(mlp.optimizer().decay()).isEqualTo(0.01); // merged key by key
        assertThat(mlp.rounds().updatesPerRound()).isEqualTo(4);
        assertThat(mlp.rounds().localExamples()).isEqualTo(10);
        assertThat(mlp.input()).isEqualTo(linear.input());
        // the tasks' specs are single-task specs: a task runs exactly like a job of its own
        assertThat(mlp.isMultiTask()).isFalse();
    }

    @Test
    void jobWithoutTasks_runsAsOneUnnamedTask() throws Exception {
        JobSpec spec = parse("job: one\nmodel: {type: softmax, features: 3}\n");

        assertThat(spec.isMultiTask()).isFalse();
        assertThat(spec.runTasks()).singleElement().satisfies(task -> {
            assertThat(task.name()).isNull();
            assertThat(task.spec()).isSameAs(spec);
        });
    }

    @Test
    void emptyTaskList_isTheDefault() throws Exception {
        assertThat(parse("job: one\nmodel: {type: softmax, features: 3}\ntasks: []\n").isMultiTask()).isFalse();
    }

    @Test
    void taskLabel_setsItsOwnLabelColumn() throws Exception {
        JobSpec spec = parse(TWO_TASKS + """
              - name: other-label
                label: category
                model: {classes: 3}
            """);

        JobSpec other = spec.runTasks().get(2).spec();
        assertThat(other.input().fields().label()).isEqualTo("category");
        assertThat(other.model().classes()).isEqualTo(3);
        assertThat(spec.runTasks().get(0).spec().input().fields().label()).isEqualTo("label");
    }

    @Test
    void setOverrides_reachOneTaskOrAll() throws Exception {
        JobSpec spec = parse(TWO_TASKS, "tasks.mlp.model.hidden=32,16", "optimizer.decay=0.5");

        assertThat(spec.runTasks().get(1).spec().model().hidden()).containsExactly(32, 16);
        assertThat(spec.runTasks().get(0).spec().model().hidden()).isEmpty();
        assertThat(spec.runTasks()).allSatisfy(t -> assertThat(t.spec().optimizer().decay()).isEqualTo(0.5));
    }

    @Test
    void toYaml_withTasks_readsBackEqual() throws Exception {
        JobSpec spec = parse(TWO_TASKS + """
              - name: third
                label: y2
                labelNames: [a, b, c, d, e, f, g, h, i, j]
                evaluation: {baseline: centralized}
            """);

        String yaml = JobSpecLoader.toYaml(spec);

        assertThat(yaml).contains("tasks:").contains("name: third");
        assertThat(parse(yaml)).isEqualTo(spec);
    }

    @Test
    void aTasksProblem_isReportedWithItsName() {
        assertThatThrownBy(() -> parse(TWO_TASKS, "tasks.mlp.model.hidden=1,2,3"))
                .isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith("task 'mlp': key 'model.hidden' must list 1 or 2 hidden layer sizes");
        assertThatThrownBy(() -> parse(TWO_TASKS + "  - name: bad\n    optimizer: {learningRate: -1}\n"))
                .hasMessage("task 'bad': key 'optimizer.learningRate' must be > 0, got -1");
    }

    @Test
    void malformedTasks_areRefusedWithTheKey() {
        String job = "job: j\nmodel: {type: softmax, features: 3}\n";
        assertThatThrownBy(() -> parse(job + "tasks: softmax\n"))
                .hasMessageStartingWith("key 'tasks' must be a list of task sections");
        assertThatThrownBy(() -> parse(job + "tasks:\n  - 3\n"))
                .hasMessageStartingWith("key 'tasks[0]' must be a section");
        assertThatThrownBy(() -> parse(job + "tasks:\n  - model: {type: mlp}\n"))
                .hasMessage("missing required key 'tasks[0].name'");
        assertThatThrownBy(() -> parse(job + "tasks:\n  - name: Big Name\n"))
                .hasMessageStartingWith("key 'tasks[0].name' must be 1 to 32 lower-case letters");
        assertThatThrownBy(() -> parse(job + "tasks:\n  - name: a\n  - name: a\n"))
                .hasMessageStartingWith("key 'tasks[1].name' repeats the task name 'a'");
        assertThatThrownBy(() -> parse(job + "tasks:\n  - name: a\n    input: {type: csv}\n"))
                .hasMessageStartingWith("unknown key 'tasks[0].input' (allowed in a task: name, label, labelNames, model");
        assertThatThrownBy(() -> parse(job + "tasks:\n  - name: a\n    model: softmax\n"))
                .hasMessageStartingWith("key 'tasks[0].model' must be a section");
        assertThatThrownBy(() -> parse(job + "tasks:\n  - name: a\n", "tasks.b.model.l2=1"))
                .hasMessageContaining("names task 'b', which the job spec does not declare (tasks: a)");
        assertThatThrownBy(() -> parse(job, "tasks.a.model.l2=1"))
                .hasMessageContaining("names a task, but the job spec declares no tasks");
        assertThatThrownBy(() -> parse(job + "tasks:\n  - name: a\n", "tasks.a.input.path=/x"))
                .hasMessageContaining("a task's own keys are in model, optimizer, rounds, aggregation, evaluation");
        assertThatThrownBy(() -> parse(job + "tasks:\n  - name: a\n", "tasks.a=1"))
                .hasMessageContaining("must look like tasks.NAME.key.path=value");
    }

    @Test
    void csvTasksWithOtherLabelColumns_ignoreEachOthersLabels() throws Exception {
        JobSpec spec = parse(TWO_TASKS + "  - name: kind\n    label: kind\n    model: {type: logistic, classes: 2}\n",
                "input.csv.ignore=id");

        assertThat(spec.runTasks().get(0).spec().input().csv().ignore()).containsExactly("id", "kind");
        assertThat(spec.runTasks().get(1).spec().input().csv().ignore()).containsExactly("id", "kind");
        assertThat(spec.runTasks().get(2).spec().input().csv().ignore()).containsExactly("id", "label");
        assertThat(parse(JobSpecLoader.toYaml(spec))).isEqualTo(spec);
        // one label for all: nothing to ignore
        assertThat(parse(TWO_TASKS).runTasks().get(0).spec().input().csv().ignore()).isEmpty();
    }

    @Test
    void labelNames_nameTheClassesInOrder() throws Exception {
        JobSpec spec = parse("""
                job: text
                input: {type: jsonl, path: /d, labelNames: [neg, pos]}
                model: {type: logistic, features: 8}
                """);
        assertThat(spec.input().labelNames()).containsExactly("neg", "pos");
        assertThat(parse("job: t\ninput: {type: csv, path: /d, labelNames: \"a, b,c\"}\n"
                + "model: {type: softmax, features: 2, classes: 3}\n").input().labelNames())
                .containsExactly("a", "b", "c");
    }

    @Test
    void labelNames_thatDoNotFitTheModelOrInput_areRefused() {
        assertThatThrownBy(() -> parse("job: t\ninput: {type: jsonl, path: /d, labelNames: [a, b]}\n"
                        + "model: {type: softmax, features: 2, classes: 3}\n"))
                .hasMessage("key 'input.labelNames' must name model.classes = 3 classes (the i-th name is class i),"
                        + " got 2 names");
        assertThatThrownBy(() -> parse("job: t\ninput: {type: jsonl, path: /d, labelNames: [a, a]}\n"
                        + "model: {type: logistic, features: 2}\n"))
                .hasMessage("key 'input.labelNames' names 'a' twice");
        assertThatThrownBy(() -> parse("job: t\ninput: {type: jsonl, path: /d, labelNames: [a, b]}\n"
                        + "model: {type: linear, features: 2}\n"))
                .hasMessageContaining("applies to classifiers only");
        assertThatThrownBy(() -> parse("job: t\ninput: {type: libsvm, path: /d, labelNames: [a, b],"
                        + " partition: {scheme: iid}}\nmodel: {type: logistic, features: 2}\n"))
                .hasMessageContaining("applies to jsonl, csv and kafka input only (libsvm labels are numbers)");
        assertThatThrownBy(() -> parse("job: t\ninput: {type: jsonl, path: /d, labelNames: [a, \"\"]}\n"
                        + "model: {type: logistic, features: 2}\n"))
                .hasMessageStartingWith("key 'input.labelNames[1]' must be a non-empty label");
    }
}
