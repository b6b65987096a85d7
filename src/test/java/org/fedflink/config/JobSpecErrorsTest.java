package org.fedflink.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every error message, word for word. */
class JobSpecErrorsTest {

    private static final String MINIMAL = JobSpecLoaderTest.MINIMAL;

    @TempDir
    Path dir;

    /** The message of the expected failure, after checking that it is one clean line. */
    static String error(String yaml, String... overrides) {
        return checked(catchThrowableOfType(
                JobSpecException.class, () -> JobSpecLoader.parse(yaml, List.of(overrides))));
    }

    static String loadError(Path file, String... overrides) {
        return checked(catchThrowableOfType(
                JobSpecException.class, () -> JobSpecLoader.load(file, List.of(overrides))));
    }

    private static String checked(JobSpecException e) {
        assertThat(e).as("expected a JobSpecException").isNotNull();
        String message = e.getMessage();
        assertThat(message)
                .doesNotContain("\n", "\r", "com.fasterxml", "org.yaml", "line:", "column", "Exception")
                .isEqualTo(message.strip());
        return message;
    }

    // ---- unknown keys

    @Test
    void parse_misspelledKeyInSection_listsTheSectionsKeys() {
        assertThat(error(MINIMAL + "rounds:\n  localExampels: 5\n")).isEqualTo(
                "unknown key 'rounds.localExampels' (allowed in rounds: localExamples, eventTimeMillis,"
                        + " updatesPerRound, timeoutMillis, feedback, maxStaleness, countStaleness, minSources,"
                        + " sampleFraction)");
    }

    @Test
    void parse_unknownTopLevelKey_listsTopLevelKeys() {
        assertThat(error(MINIMAL + "epochs: 3\n")).isEqualTo(
                "unknown key 'epochs' (allowed at top level: job, mode, seed, input, model, optimizer, rounds,"
                        + " aggregation, trainer, evaluation, checkpoint, output, attack, localDp, drift, tasks)");
    }

    @Test
    void parse_unknownKeyTwoLevelsDown_namesTheFullPath() {
        assertThat(error(MINIMAL + "input:\n  generator:\n    skew: 1\n")).isEqualTo(
                "unknown key 'input.generator.skew' (allowed in input.generator: examples, sources, labelSkew,"
                        + " featureShift, classSeparation, noise, corruptFraction, eventIntervalMillis,"
                        + " startTimeMillis, ratePerSecond)");
    }

    @Test
    void parse_keyInWrongCase_isUnknown() {
        assertThat(error(MINIMAL + "trainer:\n  Parallelism: 2\n"))
                .isEqualTo("unknown key 'trainer.Parallelism' (allowed in trainer: parallelism, cacheSize, cacheMegabytes, state)");
    }

    @Test
    void validate_sparseTrainerStateForAnMlpOrACorrectingStrategy_isRefused() {
        assertThat(error(MINIMAL, "trainer.state=sparse", "model.type=mlp", "model.hidden=8"))
                .isEqualTo("key 'trainer.state' cannot be sparse for an mlp (every step moves every weight); use auto"
                        + " or dense");
        assertThat(error(MINIMAL, "trainer.state=sparse", "aggregation.strategy=scaffold"))
                .isEqualTo("key 'trainer.state' cannot be sparse with aggregation.strategy scaffold (its local steps"
                        + " move every coordinate); use auto or dense");
        assertThat(error(MINIMAL, "trainer.state=spars"))
                .isEqualTo("key 'trainer.state' must be one of: auto, dense, sparse, got 'spars'");
    }

    @Test
    void validate_inputReadByTrainersWhereTheyCannotReadIt_isRefused() {
        assertThat(error(MINIMAL, "input.readBy=trainers", "input.type=jsonl", "input.path=/data/in",
                        "input.monitor=true", "input.partition.scheme=iid"))
                .isEqualTo("key 'input.readBy' cannot be trainers for a Kafka topic or a monitored directory (read as"
                        + " it comes, by readers); use auto or readers");
        assertThat(error(MINIMAL, "input.readBy=trainers", "mode=centralized"))
                .isEqualTo("key 'input.readBy' cannot be trainers in mode centralized (one learner reads the input in"
                        + " order); use auto or readers");
        assertThat(error(MINIMAL + "tasks:\n  - name: a\n  - name: b\n", "input.readBy=trainers"))
                .isEqualTo("key 'input.readBy' cannot be trainers in a job of tasks (the tasks share one reading of"
                        + " the input); use auto or readers");
        assertThat(error(MINIMAL, "input.readBy=shuffle"))
                .isEqualTo("key 'input.readBy' must be one of: auto, readers, trainers, got 'shuffle'");
    }

    @Test
    void parse_badDriftKeys_nameTheKeyAndWhatIsAllowed() {
        assertThat(error(MINIMAL, "drift.detector=ddm"))
                .isEqualTo("key 'drift.detector' must be one of: adwin, page-hinkley, none, got 'ddm'");
        assertThat(error(MINIMAL, "drift.delta=1"))
                .isEqualTo("key 'drift.delta' must be in (0, 1), got 1");
        assertThat(error(MINIMAL, "drift.threshold=0"))
                .isEqualTo("key 'drift.threshold' must be > 0, got 0");
        assertThat(error(MINIMAL + "drift:\n  lambda: 20\n"))
                .isEqualTo("unknown key 'drift.lambda' (allowed in drift: detector, delta, threshold, perSource, global)");
    }

    // ---- wrong types

    @Test
    void parse_wordForAnInteger_isRejected() {
        assertThat(error(MINIMAL + "rounds:\n  localExamples: ten\n"))
                .isEqualTo("key 'rounds.localExamples' must be an integer, got 'ten'");
    }

    @Test
    void parse_fractionForAnInteger_isRejected() {
        assertThat(error(MINIMAL + "rounds:\n  updatesPerRound: 2.5\n"))
                .isEqualTo("key 'rounds.updatesPerRound' must be an integer, got 2.5");
    }

    @Test
    void parse_booleanForAnInteger_isRejected() {
        assertThat(error(MINIMAL + "trainer:\n  cacheSize: true\n"))
                .isEqualTo("key 'trainer.cacheSize' must be an integer, got true");
    }

    @Test
    void parse_wordForANumber_isRejected() {
        assertThat(error(MINIMAL + "optimizer:\n  learningRate: fast\n"))
                .isEqualTo("key 'optimizer.learningRate' must be a number, got 'fast'");
    }

    @Test
    void parse_listForANumber_isRejected() {
        assertThat(error("job: t\nmodel:\n  type: softmax\n  features: 3\n  l2: [0.1]\n"))
                .isEqualTo("key 'model.l2' must be a number, got a list");
    }

    @Test
    void parse_unknownEnumValue_listsTheAllowedValues() {
        assertThat(error(MINIMAL + "mode: fedsgd\n"))
                .isEqualTo("key 'mode' must be one of: fedavg, centralized, got 'fedsgd'");
    }

    @Test
    void parse_unknownModelType_listsTheModelTypes() {
        assertThat(error("job: t\nmodel:\n  type: svm\n  features: 3\n"))
                .isEqualTo("key 'model.type' must be one of: linear, logistic, softmax, mlp, got 'svm'");
    }

    @Test
    void parse_numberForAnEnum_isRejected() {
        assertThat(error(MINIMAL + "optimizer:\n  schedule: 1\n"))
                .isEqualTo("key 'optimizer.schedule' must be one of: constant, invsqrt, inverse, got 1");
    }

    @Test
    void parse_scalarForASection_isRejected() {
        assertThat(error(MINIMAL + "rounds: 5\n"))
                .isEqualTo("key 'rounds' must be a section (key: value pairs), got 5");
    }

    @Test
    void parse_sectionForAString_isRejected() {
        assertThat(error(MINIMAL.replace("job: minimal", "job:\n  name: x")))
                .isEqualTo("key 'job' must be a string, got a section");
    }

    @Test
    void parse_listAtTopLevel_isRejected() {
        assertThat(error("- job: a\n- job: b\n"))
                .isEqualTo("job spec must be a section (key: value pairs), got a list");
    }

    @Test
    void parse_scalarAtTopLevel_isRejected() {
        assertThat(error("hello\n")).isEqualTo("job spec must be a section (key: value pairs), got 'hello'");
    }

    // ---- out of range

    @Test
    void parse_negativeLearningRate_isOutOfRange() {
        assertThat(error(MINIMAL + "optimizer:\n  learningRate: -0.1\n"))
                .isEqualTo("key 'optimizer.learningRate' must be > 0, got -0.1");
    }

    @Test
    void parse_zeroLocalExamples_isOutOfRange() {
        assertThat(error(MINIMAL + "rounds:\n  localExamples: 0\n"))
                .isEqualTo("key 'rounds.localExamples' must be >= 1, got 0");
    }

    @Test
    void parse_momentumOfOne_isOutOfRange() {
        assertThat(error(MINIMAL + "optimizer:\n  momentum: 1.0\n"))
                .isEqualTo("key 'optimizer.momentum' must be in [0, 1), got 1.0");
    }

    @Test
    void parse_ftrlKnobsOutOfRange_nameTheKey() {
        assertThat(error(MINIMAL + "optimizer:\n  type: ftrl\n  beta: 0\n"))
                .isEqualTo("key 'optimizer.beta' must be > 0, got 0");
        assertThat(error(MINIMAL + "optimizer:\n  type: ftrl\n  l1: -0.5\n"))
                .isEqualTo("key 'optimizer.l1' must be >= 0, got -0.5");
        assertThat(error(MINIMAL + "optimizer:\n  type: ftrl\n  l2: -1\n"))
                .isEqualTo("key 'optimizer.l2' must be >= 0, got -1");
    }

    @Test
    void parse_ftrlWithADecayingSchedule_isRefused() {
        assertThat(error(MINIMAL + "optimizer:\n  type: ftrl\n  schedule: invsqrt\n"))
                .isEqualTo("key 'optimizer.schedule' must be constant or unset with optimizer.type ftrl (its step"
                        + " sizes learningRate / (beta + sqrt(n)) shrink per coordinate), got invsqrt");
        assertThat(error(MINIMAL, "optimizer.type=ftrl", "optimizer.schedule=inverse"))
                .isEqualTo("key 'optimizer.schedule' must be constant or unset with optimizer.type ftrl (its step"
                        + " sizes learningRate / (beta + sqrt(n)) shrink per coordinate), got inverse");
    }

    @Test
    void parse_ftrlStateLargerThanAnArray_isRefused() {
        // 11 * (100,000,000 + 1) parameters fit an array, twice as many floats of FTRL state do not
        assertThat(error("job: t\nmodel:\n  type: softmax\n  features: 100000000\n  classes: 11\n"
                + "optimizer:\n  type: ftrl\n"))
                .isEqualTo("optimizer.type ftrl keeps 2 floats of state per parameter, so it takes at most"
                        + " 1073741819 parameters; the model has 1100000011");
    }

    @Test
    void parse_fedsgdWithFtrl_needsSgd() {
        assertThat(error(MINIMAL, "aggregation.strategy=fedsgd", "optimizer.type=ftrl"))
                .isEqualTo("fedsgd needs optimizer.type sgd (sources send plain gradient steps), got ftrl");
    }

    @Test
    void parse_negativeCorruptFraction_isOutOfRange() {
        assertThat(error(MINIMAL + "input:\n  generator:\n    corruptFraction: -0.5\n"))
                .isEqualTo("key 'input.generator.corruptFraction' must be in [0, 1), got -0.5");
    }

    @Test
    void parse_tooManyTrainers_isOutOfRange() {
        assertThat(error(MINIMAL + "trainer:\n  parallelism: 2000\n"))
                .isEqualTo("key 'trainer.parallelism' must be between 1 and 1024, got 2000");
    }

    @Test
    void parse_zeroFeatures_isOutOfRange() {
        assertThat(error("job: t\nmodel:\n  type: linear\n  features: 0\n"))
                .isEqualTo("key 'model.features' must be between 1 and 100000000, got 0");
    }

    @Test
    void parse_valueOutOfRange_isPrintedAsWritten() {
        assertThat(error(MINIMAL + "optimizer:\n  epsilon: -1e-8\n"))
                .isEqualTo("key 'optimizer.epsilon' must be > 0, got -1e-8");
        assertThat(error(MINIMAL + "input:\n  watermarkDelayMillis: -1_000\n"))
                .isEqualTo("key 'input.watermarkDelayMillis' must be >= 0, got -1_000");
    }

    @Test
    void parse_integerBeyondItsType_isOutOfRange() {
        assertThat(error(MINIMAL + "trainer:\n  cacheSize: 3000000000\n"))
                .isEqualTo("key 'trainer.cacheSize' must be between 1 and 2147483647, got 3000000000");
        assertThat(error(MINIMAL + "seed: 99999999999999999999\n"))
                .isEqualTo("key 'seed' must be <= 9223372036854775807, got 99999999999999999999");
    }

    @Test
    void parse_infiniteNumber_isRejected() {
        assertThat(error(MINIMAL + "aggregation:\n  serverLearningRate: .inf\n"))
                .isEqualTo("key 'aggregation.serverLearningRate' must be a finite number, got .inf");
    }

    @Test
    void parse_badJobName_saysWhatANameIs() {
        assertThat(error(MINIMAL.replace("job: minimal", "job: my job"))).isEqualTo(
                "key 'job' must be 1 to 64 letters, digits, '.', '_' or '-' starting with a letter or digit,"
                        + " got 'my job'");
        assertThat(error(MINIMAL.replace("job: minimal", "job: " + "a".repeat(65))))
                .startsWith("key 'job' must be 1 to 64 letters");
    }

    @Test
    void parse_emptyPath_isRejected() {
        assertThat(error(MINIMAL + "input:\n  type: jsonl\n  path: ''\n"))
                .isEqualTo("key 'input.path' must be a non-empty path, got ''");
    }

    @Test
    void parse_softmaxWithOneClass_isOutOfRange() {
        assertThat(error("job: t\nmodel:\n  type: softmax\n  features: 3\n  classes: 1\n"))
                .isEqualTo("key 'model.classes' must be >= 2, got 1");
    }

    @Test
    void parse_modelTooLargeForAnArray_isRejected() {
        assertThat(error("job: t\nmodel:\n  type: softmax\n  features: 100000000\n  classes: 100\n")).isEqualTo(
                "key 'model.classes' must be <= 21 for 100000000 features (at most 2147483639 parameters),"
                        + " got 100");
    }

    // ---- missing

    @Test
    void parse_missingFeatures_isReported() {
        assertThat(error("job: t\nmodel:\n  type: softmax\n")).isEqualTo("missing required key 'model.features'");
    }

    @Test
    void parse_missingJob_isReported() {
        assertThat(error("model:\n  type: softmax\n  features: 3\n")).isEqualTo("missing required key 'job'");
        assertThat(error("job: ~\nmodel:\n  type: softmax\n  features: 3\n"))
                .isEqualTo("missing required key 'job'");
    }

    @Test
    void parse_missingModelSection_asksForItsType() {
        assertThat(error("job: t\n")).isEqualTo("missing required key 'model.type'");
    }

    @Test
    void parse_emptyDocument_asksForTheJob() {
        assertThat(error("")).isEqualTo("missing required key 'job'");
        assertThat(error("# nothing here\n")).isEqualTo("missing required key 'job'");
    }

    // ---- cross-field

    @Test
    void parse_logisticWithThreeClasses_isRejected() {
        assertThat(error("job: t\nmodel:\n  type: logistic\n  features: 3\n  classes: 3\n"))
                .isEqualTo("key 'model.classes' must be 2 for a logistic model, got 3");
    }

    @Test
    void parse_idxWithoutLabels_isRejected() {
        assertThat(error(MINIMAL + "input:\n  type: idx\n  path: /d/train-images.gz\n"
                        + "  partition:\n    scheme: iid\n"))
                .isEqualTo("key 'input.labelsPath' is required when input.type is idx (the IDX labels file of the images)");
    }

    @Test
    void parse_libsvmWithoutPartition_isRejected() {
        assertThat(error(MINIMAL + "input:\n  type: libsvm\n  path: /d/a.svm\n"))
                .isEqualTo("key 'input.partition.scheme' must be iid, dirichlet, shards or quantity when libsvm data"
                        + " has no source field (rows are dealt to input.partition.sources simulated sources)");
    }

    @Test
    void parse_csvWithoutSourceColumnOrPartition_isRejected() {
        assertThat(error(MINIMAL + "input:\n  type: csv\n  path: /d/a.csv\n  fields:\n    source: none\n"))
                .isEqualTo("key 'input.partition.scheme' must be iid, dirichlet, shards or quantity when"
                        + " input.fields.source is none (rows are dealt to input.partition.sources simulated sources)");
    }

    @Test
    void parse_monitorWithPasses_isRejected() {
        assertThat(error(MINIMAL + "input:\n  type: csv\n  path: /d\n  monitor: true\n  passes: 2\n"))
                .isEqualTo("keys 'input.passes' and 'input.shuffle' apply to bounded files only;"
                        + " with input.monitor true they must be 1 and false");
    }

    @Test
    void parse_monitorWithDirichlet_isRejected() {
        assertThat(error(MINIMAL + "input:\n  type: csv\n  path: /d\n  monitor: true\n"
                        + "  partition:\n    scheme: dirichlet\n"))
                .isEqualTo("key 'input.partition.scheme' must be none or iid with input.monitor true"
                        + " (a dirichlet split needs every label up front), got dirichlet");
    }

    @Test
    void parse_hashingBitsNotMatchingFeatures_isRejected() {
        assertThat(error(MINIMAL + "input:\n  type: jsonl\n  path: /d/t.jsonl\n  hashing:\n    bits: 10\n"))
                .isEqualTo("key 'model.features' must be 2^input.hashing.bits = 1024 when text is hashed, got 20");
    }

    @Test
    void parse_hiddenLayersOnALinearModel_areRejected() {
        assertThat(error(MINIMAL + "  hidden: [8]\n"))
                .isEqualTo("key 'model.hidden' applies only to model.type mlp, got [8] for softmax");
    }

    @Test
    void parse_hiddenLayerOfSizeZero_isRejected() {
        assertThat(error(MINIMAL + "  hidden: [8, 0]\n"))
                .isEqualTo("key 'model.hidden[1]' must be between 1 and 65536, got 0");
        assertThat(error(MINIMAL + "  hidden: [a]\n"))
                .isEqualTo("key 'model.hidden[0]' must be an integer, got 'a'");
    }

    @Test
    void parse_csvDelimiterOfTwoCharacters_isRejected() {
        assertThat(error(MINIMAL + "input:\n  csv:\n    delimiter: ';;'\n"))
                .isEqualTo("key 'input.csv.delimiter' must be a single character other than a double quote or a line"
                        + " break, got ';;'");
    }

    @Test
    void parse_jsonlWithoutPath_isRejected() {
        assertThat(error(MINIMAL + "input:\n  type: jsonl\n"))
                .isEqualTo("key 'input.path' is required when input.type is jsonl");
    }

    @Test
    void parse_moreShardsThanParameters_isRejected() {
        assertThat(error("job: t\nmodel:\n  type: softmax\n  features: 20\n  classes: 10\naggregation:\n  shards: 500\n"))
                .isEqualTo("key 'aggregation.shards' must be <= the model's 210 parameters, got 500");
    }

    // ---- YAML and file problems

    @Test
    void parse_duplicateKey_isRejected() {
        assertThat(error(MINIMAL + "rounds:\n  localExamples: 1\n  localExamples: 2\n"))
                .isEqualTo("duplicate key 'rounds.localExamples'");
        assertThat(error(MINIMAL + "job: again\n")).isEqualTo("duplicate key 'job'");
    }

    @Test
    void parse_alias_isRejected() {
        assertThat(error(MINIMAL + "rounds:\n  localExamples: &k 5\n  updatesPerRound: *k\n")).isEqualTo(
                "key 'rounds.updatesPerRound' uses the YAML alias '*k', aliases are not supported in job specs");
    }

    @Test
    void parse_twoDocuments_isRejected() {
        assertThat(error(MINIMAL + "---\njob: second\n"))
                .isEqualTo("job spec must hold one YAML document, found more than one");
    }

    @Test
    void parse_badIndentation_namesReasonAndLine() {
        assertThat(error("job: t\nmodel:\n  type: softmax\n features: 3\n"))
                .isEqualTo("job spec is not valid YAML: bad indentation (line 4)");
        assertThat(error("job: t\n model: x\n"))
                .isEqualTo("job spec is not valid YAML: mapping values are not allowed here (line 2)");
    }

    @Test
    void parse_tabIndentation_namesReasonAndLine() {
        assertThat(error("job: t\nmodel:\n\ttype: softmax\n")).isEqualTo(
                "job spec is not valid YAML: found character 'TAB' that cannot start any token."
                        + " (Do not use TAB for indentation) (line 3)");
    }

    @Test
    void parse_listAsKey_isRejected() {
        assertThat(error("? [a, b]\n: 1\n"))
                .isEqualTo("job spec is not valid YAML: keys must be plain scalars, not lists or mappings (line 1)");
    }

    @Test
    void load_missingFile_saysNoSuchFile() {
        assertThat(loadError(Path.of("x.yaml"))).isEqualTo("cannot read job spec 'x.yaml': no such file");
    }

    @Test
    void load_missingFileWithLongPath_namesTheWholePath() {
        Path file = dir.resolve("a".repeat(120) + ".yaml");

        assertThat(loadError(file)).isEqualTo("cannot read job spec '" + file + "': no such file");
    }

    @Test
    void load_directory_saysIsADirectory() {
        assertThat(loadError(dir)).isEqualTo("cannot read job spec '" + dir + "': is a directory");
    }

    @Test
    void load_invalidYaml_namesTheFileReasonAndLine() throws IOException {
        Path file = Files.writeString(dir.resolve("x.yaml"), "job: t\nrounds: [1, 2\n");

        assertThat(loadError(file)).isEqualTo(
                "job spec '" + file + "' is not valid YAML: expected ',' or ']', but got <stream end> (line 3)");
    }

    @Test
    void load_notUtf8_isRejected() throws IOException {
        Path file = Files.write(dir.resolve("latin1.yaml"), new byte[] {'j', 'o', 'b', ':', ' ', (byte) 0xE9});

        assertThat(loadError(file)).isEqualTo("cannot read job spec '" + file + "': not UTF-8 text");
    }

    @Test
    void load_validationErrors_areTheSameAsForText() throws IOException {
        Path file = Files.writeString(dir.resolve("x.yaml"), MINIMAL + "rounds:\n  localExamples: ten\n");

        assertThat(loadError(file)).isEqualTo("key 'rounds.localExamples' must be an integer, got 'ten'");
    }

    // ---- --set

    @Test
    void set_withoutEquals_isMalformed() {
        assertThat(error(MINIMAL, "foo")).isEqualTo("--set 'foo' must look like key.path=value");
    }

    @Test
    void set_badKeySyntax_isMalformed() {
        assertThat(error(MINIMAL, "=5")).isEqualTo("--set '=5' must look like key.path=value");
        assertThat(error(MINIMAL, "rounds..localExamples=5"))
                .isEqualTo("--set 'rounds..localExamples=5' must look like key.path=value");
        assertThat(error(MINIMAL, "rounds.local Examples=5"))
                .isEqualTo("--set 'rounds.local Examples=5' must look like key.path=value");
    }

    @Test
    void set_unknownKey_listsTheSectionsKeys() {
        assertThat(error(MINIMAL, "rounds.localExampels=50")).isEqualTo(
                "unknown key 'rounds.localExampels' (allowed in rounds: localExamples, eventTimeMillis,"
                        + " updatesPerRound, timeoutMillis, feedback, maxStaleness, countStaleness, minSources,"
                        + " sampleFraction)");
    }

    @Test
    void set_unknownSection_listsTopLevelKeys() {
        assertThat(error(MINIMAL, "round.localExamples=50")).startsWith(
                "unknown key 'round' (allowed at top level: job, mode, seed, input, model,");
    }

    @Test
    void set_badValue_isCheckedLikeTheFile() {
        assertThat(error(MINIMAL, "rounds.localExamples=ten"))
                .isEqualTo("key 'rounds.localExamples' must be an integer, got 'ten'");
        assertThat(error(MINIMAL, "optimizer.learningRate=-0.1"))
                .isEqualTo("key 'optimizer.learningRate' must be > 0, got -0.1");
        assertThat(error(MINIMAL, "mode=federated"))
                .isEqualTo("key 'mode' must be one of: fedavg, centralized, got 'federated'");
    }

    @Test
    void set_crossFieldRules_stillApply() {
        assertThat(error(MINIMAL, "input.type=jsonl"))
                .isEqualTo("key 'input.path' is required when input.type is jsonl");
        assertThat(error(MINIMAL, "model.type=logistic", "model.classes=3"))
                .isEqualTo("key 'model.classes' must be 2 for a logistic model, got 3");
    }

    @Test
    void set_keyBelowAValue_isRejected() {
        assertThat(error(MINIMAL, "seed.x=1"))
                .isEqualTo("--set 'seed.x=1': key 'seed' is a single value, not a section, so it has no key 'x'");
    }

    @Test
    void set_keyBelowAScalarInTheFile_reportsTheFileValue() {
        assertThat(error(MINIMAL + "rounds: 5\n", "rounds.localExamples=50"))
                .isEqualTo("key 'rounds' must be a section (key: value pairs), got 5");
    }

    @Test
    void set_valueForASection_isRejected() {
        assertThat(error(MINIMAL, "optimizer=adagrad"))
                .isEqualTo("key 'optimizer' must be a section (key: value pairs), got 'adagrad'");
    }

    @Test
    void set_emptyValueForARequiredKey_isMissing() {
        assertThat(error(MINIMAL, "model.features=")).isEqualTo("missing required key 'model.features'");
    }

    @Test
    void messages_withLineBreaksInValues_stayOnOneLine() {
        assertThat(error(MINIMAL + "mode: |\n  two\n  lines\n"))
                .isEqualTo("key 'mode' must be one of: fedavg, centralized, got 'two\\nlines\\n'");
        assertThat(error(MINIMAL, "mode=" + "x".repeat(200))).contains("got 'xxxx").contains("...'");
    }

    // ---- ordered input and evaluation

    @Test
    void parse_namedHoldoutsWithTheGenerator_areRefused() {
        assertThat(error(MINIMAL + "evaluation: {holdouts: {late: b.jsonl}}\n")).isEqualTo(
                "key 'evaluation.holdouts' needs a file or Kafka input, in whose format its files are read; the"
                        + " generator's holdout is evaluation.holdout generated examples");
    }

    @Test
    void parse_parallelReadersOfAMonitoredDirectory_areRefused() {
        assertThat(error(MINIMAL + "input: {type: jsonl, path: /data, monitor: true, parallelism: 2}\n")).isEqualTo(
                "key 'input.parallelism' must be 1 with input.monitor true (one reader reads the new files in name"
                        + " order), got 2");
    }

    @Test
    void parse_windowBeyondItsLimit_isRefused() {
        assertThat(error(MINIMAL, "evaluation.windowExamples=2000000")).isEqualTo(
                "key 'evaluation.windowExamples' must be between 1 and 1000000, got 2000000");
    }
}
