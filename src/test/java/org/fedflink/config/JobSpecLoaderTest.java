package org.fedflink.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.fedflink.config.InputOutputSections.CsvSpec;
import org.fedflink.config.InputOutputSections.FieldsSpec;
import org.fedflink.config.InputOutputSections.GeneratorSpec;
import org.fedflink.config.InputOutputSections.HashingSpec;
import org.fedflink.config.InputOutputSections.InputSpec;
import org.fedflink.config.InputOutputSections.LibsvmSpec;
import org.fedflink.config.InputOutputSections.PartitionSpec;
import org.fedflink.config.InputOutputSections.ScalingSpec;
import org.fedflink.config.JobSpec.AggregationSpec;
import org.fedflink.config.JobSpec.CheckpointSpec;
import org.fedflink.config.JobSpec.EvaluationSpec;
import org.fedflink.config.JobSpec.ModelSection;
import org.fedflink.config.JobSpec.OptimizerSpec;
import org.fedflink.config.JobSpec.RoundsSpec;
import org.fedflink.config.JobSpec.TrainerSpec;
import org.fedflink.drift.AdwinConfig;
import org.fedflink.drift.DriftSettings;
import org.fedflink.drift.Mode;
import org.fedflink.drift.PageHinkleyConfig;
import org.fedflink.model.ModelType;
import org.junit.jupiter.api.Test;

class JobSpecLoaderTest {

    static final String MINIMAL = """
            job: minimal
            model:
              type: softmax
              features: 20
            """;

    static JobSpec parse(String yaml, String... overrides) throws JobSpecException {
        return JobSpecLoader.parse(yaml, List.of(overrides));
    }

    @Test
    void readBy_autoByDefault_theTrainersWhereTheyCanReadTheInput() throws Exception {
        assertThat(parse(MINIMAL).input().readBy()).isEqualTo(JobSpec.ReadBy.AUTO);
        assertThat(parse(MINIMAL).trainersReadInput()).as("the generator, by default").isTrue();
        assertThat(parse(MINIMAL, "input.readBy=readers").trainersReadInput()).isFalse();
        assertThat(parse(MINIMAL, "input.readBy=trainers").trainersReadInput()).isTrue();
        assertThat(parse(MINIMAL, "input.readBy=auto").trainersReadInput()).as("the generator").isTrue();
        assertThat(parse(MINIMAL, "input.readBy=auto", "input.type=jsonl", "input.path=/data/x.jsonl")
                .trainersReadInput()).as("rows naming their source").isTrue();
        assertThat(parse(MINIMAL, "input.readBy=auto", "input.type=jsonl", "input.path=/data/in", "input.monitor=true")
                .trainersReadInput()).as("a monitored directory").isFalse();
        assertThat(parse(MINIMAL, "input.readBy=auto", "input.type=kafka", "input.kafka.topic=t")
                .trainersReadInput()).as("a Kafka topic").isFalse();
        assertThat(parse(MINIMAL, "input.readBy=auto", "input.type=jsonl", "input.path=/data/x.jsonl",
                "input.partition.scheme=iid").trainersReadInput()).as("rows dealt to sources").isTrue();
        assertThat(parse(MINIMAL, "input.readBy=auto", "mode=centralized").trainersReadInput()).isFalse();
        JobSpec tasks = parse(MINIMAL + "tasks:\n  - name: a\n  - name: b\n", "input.readBy=auto");
        assertThat(tasks.trainersReadInput()).as("a job of tasks").isFalse();
    }

    @Test
    void load_quickstart_matchesTheDocumentedJob() throws Exception {
        JobSpec spec = JobSpecLoader.load(Path.of("jobs/quickstart.yaml"), List.of());

        assertThat(spec.job()).isEqualTo("quickstart");
        assertThat(spec.mode()).isEqualTo(JobSpec.Mode.FEDAVG);
        assertThat(spec.input().type()).isEqualTo(JobSpec.InputType.GENERATOR);
        assertThat(spec.input().path()).isNull();
        assertThat(spec.input().generator().sources()).isEqualTo(20);
        assertThat(spec.input().generator().examples()).isEqualTo(200_000L);
        assertThat(spec.input().generator().corruptFraction()).isEqualTo(0.001);
        assertThat(spec.model()).isEqualTo(new ModelSection(ModelType.SOFTMAX, 20, 4, 0.0, List.of()));
        assertThat(spec.model().toSpec().numParams()).isEqualTo(84);
        assertThat(spec.evaluation().baseline()).containsExactly(JobSpec.Baseline.CENTRALIZED, JobSpec.Baseline.LOCAL);
        assertThat(spec.trainer().parallelism()).isEqualTo(2);
        assertThat(spec.aggregation().shards()).isEqualTo(1);
    }

    @Test
    void parse_minimalSpec_appliesEveryDefault() throws Exception {
        JobSpec expected = new JobSpec(
                "minimal",
                JobSpec.Mode.FEDAVG,
                42L,
                new InputSpec(
                        JobSpec.InputType.GENERATOR,
                        null,
                        1,
                        0.0,
                        null,
                        List.of(),
                        0L,
                        1,
                        false,
                        false,
                        1000L,
                        1 << 20,
                        10L,
                        1_700_000_000_000L,
                        new FieldsSpec("source", "time", "label", "features", "indices", "values", "text"),
                        new CsvSpec(true, ",", List.of()),
                        new LibsvmSpec(1),
                        new HashingSpec(0, 1, true),
                        new ScalingSpec(JobSpec.Scaling.NONE, 1.0, 10_000),
                        new PartitionSpec(JobSpec.PartitionScheme.NONE, 100, 0.5, 2),
                        new GeneratorSpec(100_000L, 20, 0.5, 0.5, 3.0, 1.0, 0.0, 10L, 1_700_000_000_000L, 0.0),
                        new JobSpec.KafkaInputSpec("127.0.0.1:9092", null, null, JobSpec.StartingOffsets.EARLIEST, 0L,
                                false, 10_000L, 0.0, JobSpec.KafkaFormat.JSONL, List.of()),
                        JobSpec.UnknownFields.IGNORE,
                        JobSpec.ReadBy.AUTO),
                new ModelSection(ModelType.SOFTMAX, 20, 2, 0.0, List.of()),
                new OptimizerSpec(
                        JobSpec.OptimizerType.SGD, 0.05, JobSpec.Schedule.INVSQRT, 0.001, 0.9, 1.0e-8, 1.0, 1.0,
                        0.0, 0.0),
                new RoundsSpec(20, 60_000L, null, 2000L, JobSpec.Feedback.CHANNEL, 0L, 0L, 1, 1.0),
                new AggregationSpec(JobSpec.Strategy.FEDAVG, 1.0, 1, 0.0, null, null, 0.99, null, true, 0.2, 0,
                        null, null, null, null, 0.1, 0.5, 0.2, null, 1.0e-5, JobSpec.StalenessFunction.INVERSE_SQRT,
                        0.5, null, false, 0.9, true, JobSpec.ServerStep.MEAN),
                new TrainerSpec(2, null, 64, JobSpec.StateLayout.AUTO),
                new EvaluationSpec(List.of(), 2000, null, null, Map.of(), 1000L, 10_000L, true),
                new CheckpointSpec(2000L, null),
                new JobSpec.OutputSpec(false, new JobSpec.KafkaOutputSpec(null, null, null, null, List.of()),
                        new JobSpec.ModelFilesSpec(0, 0), new JobSpec.LineFilesSpec(0, 0)),
                new JobSpec.AttackSpec(0.0, JobSpec.AttackType.SIGNFLIP, 10.0, 1.0),
                new JobSpec.LocalDpSpec(null, 1.0),
                new JobSpec.DriftSpec(JobSpec.Detector.ADWIN, 0.002, 50.0, true, true),
                List.of());

        assertThat(parse(MINIMAL)).isEqualTo(expected);
    }

    @Test
    void parse_emptyAndNullSections_meanAllDefaults() throws Exception {
        JobSpec spec = parse(MINIMAL + """
                input:
                  generator:
                optimizer: {}
                rounds: ~
                """);

        assertThat(spec).isEqualTo(parse(MINIMAL));
    }

    @Test
    void parse_explicitNullValue_meansDefault() throws Exception {
        JobSpec spec = parse(MINIMAL + "rounds:\n  localExamples: null\n  updatesPerRound:\n");

        assertThat(spec.rounds().localExamples()).isEqualTo(20);
        // its default: null, the server sizes rounds
        assertThat(spec.rounds().updatesPerRound()).isNull();
        assertThat(spec.rounds().nominalUpdatesPerRound()).isEqualTo(10);
    }

    @Test
    void parse_everyKeySet_bindsEveryValue() throws Exception {
        JobSpec spec = parse("""
                job: full.run_1-a
                mode: centralized
                seed: -7
                input:
                  type: jsonl
                  path: /data/train
                  parallelism: 3
                  ratePerSecond: 250
                  unknownFields: reject
                  readBy: auto
                  labelsPath: /data/labels
                  labelNames: [neg, pos]
                  watermarkDelayMillis: 500
                  passes: 3
                  shuffle: true
                  monitor: false
                  monitorIntervalMillis: 250
                  maxLineBytes: 4096
                  eventIntervalMillis: 5
                  startTimeMillis: 1000
                  fields:
                    source: client
                    time: ts
                    label: y
                    features: x
                    indices: idx
                    values: val
                    text: body
                  csv:
                    header: false
                    delimiter: ";"
                    ignore: [id]
                  libsvm:
                    indexBase: 0
                  hashing:
                    bits: 0
                    ngrams: 3
                    lowercase: false
                  scaling:
                    type: standardize
                    divisor: 255
                    examples: 500
                  partition:
                    scheme: dirichlet
                    sources: 7
                    alpha: 0.1
                    shardsPerSource: 3
                  generator:
                    examples: 1000
                    sources: 3
                    labelSkew: 0.1
                    featureShift: 0
                    classSeparation: 2
                    noise: 0.5
                    corruptFraction: 0.25
                    eventIntervalMillis: 0
                    startTimeMillis: 0
                    ratePerSecond: 250.5
                  kafka:
                    bootstrapServers: broker-1:9093,broker-2:9093
                    topic: examples.v1
                    groupId: trainers
                    startingOffsets: timestamp
                    startingTimestampMillis: 1700000000000
                    bounded: true
                    idleTimeoutMillis: 0
                    ratePerSecond: 2.5
                    format: csv
                    properties: [security.protocol=SASL_SSL, sasl.mechanism=PLAIN]
                model:
                  type: logistic
                  features: 5
                  classes: 2
                  l2: 0.01
                  hidden: []
                optimizer:
                  type: adagrad
                  learningRate: 0.5
                  schedule: constant
                  decay: 0
                  momentum: 0
                  epsilon: 1.0e-6
                  accumulatorDecay: 0.999
                  beta: 0.5
                  l1: 0.25
                  l2: 0.125
                rounds:
                  localExamples: 1
                  eventTimeMillis: 60000
                  updatesPerRound: 1
                  timeoutMillis: 0
                  maxStaleness: 3
                  countStaleness: 5
                  minSources: 2
                  sampleFraction: 0.5
                aggregation:
                  strategy: fedyogi
                  serverLearningRate: 0.5
                  shards: 6
                  serverMomentum: 0.5
                  eta: 0.02
                  beta1: 0.8
                  beta2: 0.95
                  tau: 0.01
                  biasCorrection: false
                  trimBeta: 0.1
                  byzantineUpdates: 2
                  selectedUpdates: 4
                  maxUpdateNorm: 3.5
                  clippingNorm: 1.5
                  noiseMultiplier: 0.7
                  initialClippingNorm: 0.3
                  clippingNormQuantile: 0.6
                  clipLearningRate: 0.1
                  clippedCountStddev: 2
                  dpDelta: 1e-6
                  stalenessWeight: polynomial
                  stalenessExponent: 0.25
                  proximalMu: 0.01
                  reputation: true
                  reputationDecay: 0.75
                  coordinateMean: true
                  serverStep: update-length
                trainer:
                  parallelism: 1024
                  cacheSize: 1
                  cacheMegabytes: 512
                  state: dense
                evaluation:
                  baseline: [centralized, local]
                  holdout: 0
                  holdoutPath: /data/holdout.jsonl
                  holdoutLabelsPath: /data/holdout-labels
                  holdouts:
                    before: /data/before.jsonl
                    after: {path: /data/after.jsonl, labelsPath: /data/after-labels}
                  intervalMillis: 0
                  windowExamples: 77
                  report: false
                checkpoint:
                  intervalMillis: 0
                  dir: /tmp/ckpt
                output:
                  predictions: true
                  kafka:
                    bootstrapServers: out:9092
                    transactionalIdPrefix: tx-1
                    properties: [linger.ms=5]
                  files:
                    rollMegabytes: 8
                    keepFiles: 3
                attack:
                  fraction: 0.25
                  type: labelflip
                  scale: -4
                  noiseStddev: 0.5
                localDp:
                  clippingNorm: 2.5
                  noiseMultiplier: 0.75
                drift:
                  detector: page-hinkley
                  delta: 0.01
                  threshold: 25
                  perSource: false
                  global: true
                """);

        assertThat(spec).isEqualTo(new JobSpec(
                "full.run_1-a",
                JobSpec.Mode.CENTRALIZED,
                -7L,
                new InputSpec(
                        JobSpec.InputType.JSONL,
                        "/data/train",
                        3,
                        250.0,
                        "/data/labels",
                        List.of("neg", "pos"),
                        500L,
                        3,
                        true,
                        false,
                        250L,
                        4096,
                        5L,
                        1000L,
                        new FieldsSpec("client", "ts", "y", "x", "idx", "val", "body"),
                        new CsvSpec(false, ";", List.of("id")),
                        new LibsvmSpec(0),
                        new HashingSpec(0, 3, false),
                        new ScalingSpec(JobSpec.Scaling.STANDARDIZE, 255.0, 500),
                        new PartitionSpec(JobSpec.PartitionScheme.DIRICHLET, 7, 0.1, 3),
                        new GeneratorSpec(1000L, 3, 0.1, 0.0, 2.0, 0.5, 0.25, 0L, 0L, 250.5),
                        new JobSpec.KafkaInputSpec("broker-1:9093,broker-2:9093", "examples.v1", "trainers",
                                JobSpec.StartingOffsets.TIMESTAMP, 1_700_000_000_000L, true, 0L, 2.5, JobSpec.KafkaFormat.CSV,
                                List.of("security.protocol=SASL_SSL", "sasl.mechanism=PLAIN")),
                        JobSpec.UnknownFields.REJECT,
                        JobSpec.ReadBy.AUTO),
                new ModelSection(ModelType.LOGISTIC, 5, 2, 0.01, List.of()),
                new OptimizerSpec(
                        JobSpec.OptimizerType.ADAGRAD, 0.5, JobSpec.Schedule.CONSTANT, 0.0, 0.0, 1.0e-6, 0.999, 0.5,
                        0.25, 0.125),
                new RoundsSpec(1, 60_000L, 1, 0L, JobSpec.Feedback.CHANNEL, 3L, 5L, 2, 0.5),
                new AggregationSpec(JobSpec.Strategy.FEDYOGI, 0.5, 6, 0.5, 0.02, 0.8, 0.95, 0.01, false, 0.1, 2, 4,
                        3.5, 1.5, 0.7, 0.3, 0.6, 0.1, 2.0, 1.0e-6, JobSpec.StalenessFunction.POLYNOMIAL, 0.25, 0.01, true, 0.75, true,
                        JobSpec.ServerStep.UPDATE_LENGTH),
                new TrainerSpec(1024, 1, 512, JobSpec.StateLayout.DENSE),
                new EvaluationSpec(
                        List.of(JobSpec.Baseline.CENTRALIZED, JobSpec.Baseline.LOCAL), 0, "/data/holdout.jsonl",
                        "/data/holdout-labels",
                        Map.of("before", new JobSpec.HoldoutSpec("/data/before.jsonl", null),
                                "after", new JobSpec.HoldoutSpec("/data/after.jsonl", "/data/after-labels")),
                        0L, 77L, false),
                new CheckpointSpec(0L, "/tmp/ckpt"),
                new JobSpec.OutputSpec(true, new JobSpec.KafkaOutputSpec(
                        "out:9092", null, null, "tx-1", List.of("linger.ms=5")), new JobSpec.ModelFilesSpec(0, 0),
                        new JobSpec.LineFilesSpec(8, 3)),
                new JobSpec.AttackSpec(0.25, JobSpec.AttackType.LABELFLIP, -4.0, 0.5),
                new JobSpec.LocalDpSpec(2.5, 0.75),
                new JobSpec.DriftSpec(JobSpec.Detector.PAGE_HINKLEY, 0.01, 25.0, false, true),
                List.of()));
    }

    @Test
    void driftSpec_toSettings_makesTheNamedDetectorWatchingForRises() throws Exception {
        DriftSettings adwin = parse(MINIMAL, "drift.delta=0.01").drift().toSettings();
        assertThat(adwin).isEqualTo(new DriftSettings(
                AdwinConfig.builder().delta(0.01).mode(Mode.UP).build(), true, true));
        DriftSettings pageHinkley = parse(MINIMAL, "drift.detector=page-hinkley", "drift.threshold=20",
                "drift.perSource=false").drift().toSettings();
        assertThat(pageHinkley).isEqualTo(new DriftSettings(
                PageHinkleyConfig.builder().threshold(20).mode(Mode.UP).build(), false, true));
        assertThat(pageHinkley.sources()).isFalse();
        assertThat(pageHinkley.federation()).isTrue();
        DriftSettings none = parse(MINIMAL, "drift.detector=none").drift().toSettings();
        assertThat(none).isEqualTo(DriftSettings.none());
        assertThat(none.sources() || none.federation()).isFalse();
    }

    @Test
    void parse_ftrl_bindsItsKnobsAndResolvesTheUnsetScheduleToConstant() throws Exception {
        JobSpec spec = parse(MINIMAL + "optimizer:\n  type: ftrl\n  learningRate: 0.1\n  beta: 0.5\n"
                + "  l1: 0.01\n  l2: 2\n");

        assertThat(spec.optimizer()).isEqualTo(new OptimizerSpec(JobSpec.OptimizerType.FTRL, 0.1,
                JobSpec.Schedule.CONSTANT, 0.001, 0.9, 1.0e-8, 1.0, 0.5, 0.01, 2.0));
        assertThat(JobSpecLoader.parse(JobSpecLoader.toYaml(spec), List.of())).isEqualTo(spec);
        assertThat(parse(MINIMAL, "optimizer.type=ftrl", "optimizer.schedule=constant").optimizer().schedule())
                .isEqualTo(JobSpec.Schedule.CONSTANT);
        assertThat(parse(MINIMAL).optimizer().schedule()).isEqualTo(JobSpec.Schedule.INVSQRT);
        assertThat(parse(MINIMAL, "optimizer.type=adagrad").optimizer().schedule())
                .isEqualTo(JobSpec.Schedule.INVSQRT);
    }

    @Test
    void parse_enumValuesInAnyCase_areAccepted() throws Exception {
        JobSpec spec = parse("job: t\nmode: CENTRALIZED\nmodel:\n  type: Softmax\n  features: 3\n"
                + "optimizer:\n  type: Momentum\n  schedule: INVERSE\n");

        assertThat(spec.mode()).isEqualTo(JobSpec.Mode.CENTRALIZED);
        assertThat(spec.model().type()).isEqualTo(ModelType.SOFTMAX);
        assertThat(spec.optimizer().type()).isEqualTo(JobSpec.OptimizerType.MOMENTUM);
        assertThat(spec.optimizer().schedule()).isEqualTo(JobSpec.Schedule.INVERSE);
    }

    @Test
    void parse_yamlNumberSpellings_areAccepted() throws Exception {
        JobSpec spec = parse(MINIMAL + """
                input:
                  generator:
                    examples: 1e6
                    sources: "7"
                    eventIntervalMillis: 1_000
                    noise: 2
                optimizer:
                  learningRate: 1e-3
                  epsilon: 1.0E-7
                trainer:
                  cacheSize: 20.0
                """);

        assertThat(spec.input().generator().examples()).isEqualTo(1_000_000L);
        assertThat(spec.input().generator().sources()).isEqualTo(7);
        assertThat(spec.input().generator().eventIntervalMillis()).isEqualTo(1000L);
        assertThat(spec.input().generator().noise()).isEqualTo(2.0);
        assertThat(spec.optimizer().learningRate()).isEqualTo(0.001);
        assertThat(spec.optimizer().epsilon()).isEqualTo(1.0e-7);
        assertThat(spec.trainer().cacheSize()).isEqualTo(20);
    }

    @Test
    void parse_negativeZero_isZero() throws Exception {
        JobSpec spec = parse(MINIMAL.replace("features: 20", "features: 20\n  l2: -0.0"));

        assertThat(spec.model()).isEqualTo(parse(MINIMAL).model());
    }

    @Test
    void parse_scalarJobName_isTakenAsWritten() throws Exception {
        assertThat(parse(MINIMAL.replace("job: minimal", "job: 007")).job()).isEqualTo("007");
    }

    @Test
    void parse_linearModel_ignoresClasses() throws Exception {
        JobSpec spec = parse("job: t\nmodel:\n  type: linear\n  features: 4\n  classes: 1\n");

        assertThat(spec.model()).isEqualTo(new ModelSection(ModelType.LINEAR, 4, 2, 0.0, List.of()));
        assertThat(spec.model().toSpec().numParams()).isEqualTo(5);
    }

    @Test
    void parse_generatorInputWithPath_ignoresPath() throws Exception {
        JobSpec spec = parse(MINIMAL + "input:\n  type: generator\n  path: /data/x.jsonl\n");

        assertThat(spec.input().path()).isNull();
    }

    @Test
    void parse_shardsEqualToParameterCount_isAccepted() throws Exception {
        JobSpec spec = parse("job: t\nmodel:\n  type: logistic\n  features: 2\naggregation:\n  shards: 3\n");

        assertThat(spec.aggregation().shards()).isEqualTo(3);
    }

    @Test
    void parse_byteOrderMark_isSkipped() throws Exception {
        assertThat(parse("\uFEFF" + MINIMAL).job()).isEqualTo("minimal");
    }

    @Test
    void parse_baseline_isOneWordOrAList() throws Exception {
        assertThat(parse(MINIMAL + "evaluation: {baseline: centralized}\n").evaluation().baseline())
                .containsExactly(JobSpec.Baseline.CENTRALIZED);
        assertThat(parse(MINIMAL + "evaluation: {baseline: [local, centralized, local]}\n").evaluation().baseline())
                .containsExactly(JobSpec.Baseline.LOCAL, JobSpec.Baseline.CENTRALIZED);
        assertThat(parse(MINIMAL + "evaluation: {baseline: none}\n").evaluation().baseline()).isEmpty();
        assertThat(parse(MINIMAL, "evaluation.baseline=centralized,local").evaluation().baseline())
                .containsExactly(JobSpec.Baseline.CENTRALIZED, JobSpec.Baseline.LOCAL);
        assertThatThrownBy(() -> parse(MINIMAL + "evaluation: {baseline: [centralized, federated]}\n"))
                .hasMessage("key 'evaluation.baseline[1]' must be one of: none, centralized, local, got 'federated'");
    }

    @Test
    void parse_holdouts_takePathsOrSections() throws Exception {
        // named holdouts are files in the input's format: a file input
        String files = MINIMAL + "input: {type: jsonl, path: /data/train.jsonl}\n";
        JobSpec spec = parse(files + "evaluation:\n  holdouts:\n    late: b.jsonl\n    early: {path: a.jsonl}\n");
        assertThat(spec.evaluation().holdouts()).containsExactly(
                Map.entry("late", new JobSpec.HoldoutSpec("b.jsonl", null)),
                Map.entry("early", new JobSpec.HoldoutSpec("a.jsonl", null)));
        assertThat(parse(files, "evaluation.holdouts.phase-2=c.jsonl").evaluation().holdouts())
                .containsExactly(Map.entry("phase-2", new JobSpec.HoldoutSpec("c.jsonl", null)));
        assertThat(parse(files, "evaluation.holdouts.test=t.idx", "evaluation.holdouts.test.labelsPath=l.idx")
                .evaluation().holdouts())
                .containsExactly(Map.entry("test", new JobSpec.HoldoutSpec("t.idx", "l.idx")));
        assertThatThrownBy(() -> parse(files + "evaluation: {holdouts: {'a b': x.jsonl}}\n"))
                .hasMessage("key 'evaluation.holdouts.a b' has an invalid name: it must be 1 to 64 letters, digits,"
                        + " '_' or '-' starting with a letter or digit");
        assertThatThrownBy(() -> parse(files + "evaluation: {holdouts: {a: {labelsPath: l.idx}}}\n"))
                .hasMessage("missing required key 'evaluation.holdouts.a.path'");
        assertThatThrownBy(() -> parse(files + "evaluation: {holdouts: {a: {file: x}}}\n"))
                .hasMessage("unknown key 'evaluation.holdouts.a.file' (allowed in evaluation.holdouts.a: path,"
                        + " labelsPath)");
        assertThatThrownBy(() -> parse(files + "evaluation: {holdouts: [x.jsonl]}\n"))
                .hasMessage("key 'evaluation.holdouts' must be a section of named entries (name: value), got a list");
    }

    @Test
    void set_nestedKeys_overrideTheFile() throws Exception {
        JobSpec spec = parse(MINIMAL + "rounds:\n  localExamples: 5\n",
                "rounds.localExamples=50",
                "input.generator.labelSkew=0.05",
                "model.classes=10",
                "seed=7");

        assertThat(spec.rounds().localExamples()).isEqualTo(50);
        assertThat(spec.input().generator().labelSkew()).isEqualTo(0.05);
        assertThat(spec.model().classes()).isEqualTo(10);
        assertThat(spec.seed()).isEqualTo(7L);
    }

    @Test
    void set_enums_overrideTheFile() throws Exception {
        JobSpec spec = parse(MINIMAL + "mode: fedavg\n",
                "mode=centralized",
                "optimizer.type=ADAGRAD",
                "model.type=logistic",
                "evaluation.baseline=centralized");

        assertThat(spec.mode()).isEqualTo(JobSpec.Mode.CENTRALIZED);
        assertThat(spec.optimizer().type()).isEqualTo(JobSpec.OptimizerType.ADAGRAD);
        assertThat(spec.model().type()).isEqualTo(ModelType.LOGISTIC);
        assertThat(spec.evaluation().baseline()).containsExactly(JobSpec.Baseline.CENTRALIZED);
    }

    @Test
    void set_keysAbsentFromTheFile_createTheirSections() throws Exception {
        JobSpec spec = parse(MINIMAL,
                "input.type=jsonl",
                "input.path=/tmp/a b.jsonl",
                "checkpoint.dir=/tmp/ckpt",
                "trainer.parallelism=4");

        assertThat(spec.input().type()).isEqualTo(JobSpec.InputType.JSONL);
        assertThat(spec.input().path()).isEqualTo("/tmp/a b.jsonl");
        assertThat(spec.checkpoint().dir()).isEqualTo("/tmp/ckpt");
        assertThat(spec.trainer().parallelism()).isEqualTo(4);
    }

    @Test
    void set_requiredKeys_canCompleteAnIncompleteFile() throws Exception {
        JobSpec spec = parse("model:\n  type: softmax\n", "job=from-cli", "model.features=8");

        assertThat(spec.job()).isEqualTo("from-cli");
        assertThat(spec.model().features()).isEqualTo(8);
    }

    @Test
    void set_sameKeyTwice_lastOneWins() throws Exception {
        JobSpec spec = parse(MINIMAL, "rounds.updatesPerRound=3", "rounds.updatesPerRound=4");

        assertThat(spec.rounds().updatesPerRound()).isEqualTo(4);
    }

    @Test
    void set_nullOrEmptyValue_restoresTheDefault() throws Exception {
        JobSpec spec = parse(MINIMAL + "rounds:\n  localExamples: 5\ncheckpoint:\n  dir: /x\n",
                "rounds.localExamples=null", "checkpoint.dir=");

        assertThat(spec.rounds().localExamples()).isEqualTo(20);
        assertThat(spec.checkpoint().dir()).isNull();
    }

    @Test
    void set_wholeSectionToNull_restoresItsDefaults() throws Exception {
        JobSpec spec = parse(MINIMAL + "rounds:\n  localExamples: 5\n  updatesPerRound: 3\n", "rounds=null");

        assertThat(spec.rounds()).isEqualTo(parse(MINIMAL).rounds());
    }

    @Test
    void set_valueIsAYamlScalar_quotesAndSpacesWork() throws Exception {
        JobSpec spec = parse(MINIMAL,
                "job='2024'",
                "evaluation.holdoutPath=\"/data/holdout #1.jsonl\"",
                " optimizer.learningRate = 1e-2 ");

        assertThat(spec.job()).isEqualTo("2024");
        assertThat(spec.evaluation().holdoutPath()).isEqualTo("/data/holdout #1.jsonl");
        assertThat(spec.optimizer().learningRate()).isEqualTo(0.01);
    }

    @Test
    void set_valueThatIsNotAScalar_isTakenLiterally() throws Exception {
        JobSpec spec = parse(MINIMAL, "checkpoint.dir=s3://bucket/ckpt: old", "input.path=[x]");

        assertThat(spec.checkpoint().dir()).isEqualTo("s3://bucket/ckpt: old");
    }

    @Test
    void set_nullOverrideList_isAccepted() throws Exception {
        assertThat(JobSpecLoader.parse(MINIMAL, null).job()).isEqualTo("minimal");
    }

    @Test
    void toYaml_quickstart_readsBackEqual() throws Exception {
        JobSpec spec = JobSpecLoader.load(Path.of("jobs/quickstart.yaml"), List.of());

        assertThat(parse(JobSpecLoader.toYaml(spec))).isEqualTo(spec);
    }

    @Test
    void toYaml_everyKey_readsBackEqual() throws Exception {
        JobSpec spec = parse(MINIMAL,
                "mode=centralized", "input.type=jsonl", "input.path=/a: b/#c.jsonl", "optimizer.epsilon=1e-12",
                "input.generator.startTimeMillis=9007199254740993", "checkpoint.dir=null", "job=007");

        String yaml = JobSpecLoader.toYaml(spec);

        assertThat(yaml).contains("mode: centralized").contains("type: jsonl");
        assertThat(parse(yaml)).isEqualTo(spec);
    }
}
