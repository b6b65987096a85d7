package org.fedflink.config;

import java.util.List;
import org.fedflink.config.InputOutputSections.InputSpec;
import org.fedflink.config.JobSpec.ModelSection;
import org.fedflink.model.ModelType;

/**
 * The rules that relate the {@code input} and {@code output} keys to each other and to the model,
 * and the values those sections take from other keys (the Kafka group id and transactional id
 * prefix from the job's name, the output brokers from the input's). Part of {@link JobSpecRules#finish}.
 */
final class InputOutputRules {
    private InputOutputRules() {}

    static void checkInput(InputSpec input, ModelSection model) throws JobSpecException {
        if (input.isFile()) {
            checkFileInput(input, model);
        } else if (input.isKafka()) {
            checkKafkaInput(input, model);
        }
    }

    /**
     * Whether the trainers of {@code spec} can read its input themselves ({@code input.readBy}): a
     * federated job whose input's records have sources known before they are read — the generator,
     * or files read in order (rows dealt to simulated sources, or naming their source, which the
     * client reads once to tell each row's key group). (A job of tasks shares one reading of the
     * input, read by readers.)
     */
    public static boolean trainersCanRead(JobSpec spec) {
        InputSpec input = spec.input();
        if (spec.mode() != JobSpec.Mode.FEDAVG || input.isKafka()) {
            return false;
        }
        return !input.isFile() || !input.monitor();
    }

    /** {@code input.readBy: trainers} only where they can read it. */
    static void checkReadBy(JobSpec spec, InputSpec input) throws JobSpecException {
        if (input.readBy() != JobSpec.ReadBy.TRAINERS) {
            return;
        }
        String key = "key 'input.readBy' cannot be trainers ";
        if (spec.mode() != JobSpec.Mode.FEDAVG) {
            throw new JobSpecException(key + "in mode centralized (one learner reads the input in order); use auto"
                    + " or readers");
        }
        if (input.isKafka() || input.monitor()) {
            throw new JobSpecException(key + "for a Kafka topic or a monitored directory (read as it comes, by"
                    + " readers); use auto or readers");
        }
    }

    /**
     * The input with {@code path} dropped where it is ignored, and a Kafka group id defaulting to
     * {@code fedflink-<job>}.
     */
    static InputSpec resolveInput(String job, InputSpec input) {
        if (!input.isFile() && input.path() != null) {
            // Ignored for the generator and Kafka, so that --set input.type=generator works on a file spec.
            input = input.withPath(null);
        }
        if (!input.isKafka()) {
            return input;
        }
        JobSpec.KafkaInputSpec k = input.kafka();
        String group = k.groupId() != null ? k.groupId() : "fedflink-" + job;
        JobSpec.KafkaInputSpec resolved = new JobSpec.KafkaInputSpec(k.bootstrapServers(), k.topic(), group,
                k.startingOffsets(), k.startingTimestampMillis(), k.bounded(), k.idleTimeoutMillis(), k.ratePerSecond(),
                k.format(), k.properties());
        return input.withKafka(resolved);
    }

    private static void checkFileInput(InputSpec input, ModelSection model) throws JobSpecException {
        String type = Messages.yamlName(input.type());
        if (input.path() == null) {
            throw new JobSpecException("key 'input.path' is required when input.type is " + type);
        }
        if (input.type() == JobSpec.InputType.IDX && input.labelsPath() == null) {
            throw new JobSpecException(
                    "key 'input.labelsPath' is required when input.type is idx (the IDX labels file of the images)");
        }
        boolean hasSourceField = switch (input.type()) {
            case JSONL, CSV -> !JobSpec.FieldsSpec.NONE.equals(input.fields().source());
            default -> false;
        };
        if (!hasSourceField && input.partition().scheme() == JobSpec.PartitionScheme.NONE) {
            String why = input.type() == JobSpec.InputType.JSONL || input.type() == JobSpec.InputType.CSV
                    ? "input.fields.source is none"
                    : type + " data has no source field";
            throw new JobSpecException("key 'input.partition.scheme' must be iid, dirichlet, shards or quantity"
                    + " when " + why + " (rows are dealt to input.partition.sources simulated sources)");
        }
        if (input.monitor()) {
            if (input.type() == JobSpec.InputType.IDX) {
                throw new JobSpecException("key 'input.monitor' cannot be true for idx input (a fixed pair of files)");
            }
            if (input.passes() != 1 || input.shuffle()) {
                throw new JobSpecException("keys 'input.passes' and 'input.shuffle' apply to bounded files only;"
                        + " with input.monitor true they must be 1 and false");
            }
            JobSpec.PartitionScheme scheme = input.partition().scheme();
            if (scheme != JobSpec.PartitionScheme.NONE && scheme != JobSpec.PartitionScheme.IID) {
                throw new JobSpecException("key 'input.partition.scheme' must be none or iid with input.monitor true"
                        + " (a " + Messages.yamlName(scheme) + " split needs every label up front), got "
                        + Messages.yamlName(scheme));
            }
            if (input.parallelism() != 1) {
                throw new JobSpecException("key 'input.parallelism' must be 1 with input.monitor true (one reader"
                        + " reads the new files in name order), got " + input.parallelism());
            }
            if (input.ratePerSecond() > 0) {
                throw new JobSpecException("key 'input.ratePerSecond' applies to bounded files; a monitored directory"
                        + " is read as its files arrive");
            }
        }
        if (input.type() == JobSpec.InputType.CSV && !input.csv().header() && !input.csv().ignore().isEmpty()) {
            throw new JobSpecException("key 'input.csv.ignore' names header columns, so it needs input.csv.header true");
        }
        checkHashedFeatures(input, model);
    }

    /** A Kafka input needs a topic, and keys that only make sense for files must keep their defaults. */
    private static void checkKafkaInput(InputSpec input, ModelSection model) throws JobSpecException {
        JobSpec.KafkaInputSpec k = input.kafka();
        if (k.topic() == null) {
            throw new JobSpecException("key 'input.kafka.topic' is required when input.type is kafka");
        }
        if (input.monitor() || input.passes() != 1 || input.shuffle()) {
            throw new JobSpecException("keys 'input.monitor', 'input.passes' and 'input.shuffle' apply to files only;"
                    + " with input.type kafka they must be false, 1 and false (replay a topic with"
                    + " input.kafka.startingOffsets)");
        }
        if (input.partition().scheme() != JobSpec.PartitionScheme.NONE) {
            throw new JobSpecException("key 'input.partition.scheme' must be none when input.type is kafka (a message's"
                    + " source is its source field or, with input.fields.source none, its key; bin/fedflink produce"
                    + " partitions files into sources), got " + Messages.yamlName(input.partition().scheme()));
        }
        if (input.scaling().type() == JobSpec.Scaling.STANDARDIZE) {
            throw new JobSpecException("key 'input.scaling.type' cannot be standardize when input.type is kafka"
                    + " (there is no data to estimate from before the job starts); use divide or none");
        }
        if (k.format() == JobSpec.KafkaFormat.CSV && !input.csv().ignore().isEmpty()) {
            throw new JobSpecException("key 'input.csv.ignore' names header columns, but kafka csv messages are"
                    + " headerless rows");
        }
        if (k.startingOffsets() == JobSpec.StartingOffsets.TIMESTAMP && k.startingTimestampMillis() <= 0) {
            throw new JobSpecException("key 'input.kafka.startingTimestampMillis' must be > 0 (epoch milliseconds)"
                    + " when input.kafka.startingOffsets is timestamp");
        }
        KafkaProperties.parse(k.properties(), "input.kafka.properties");
        checkHashedFeatures(input, model);
    }

    /** Hashed text lands in 2^bits buckets, which are the model's features. */
    private static void checkHashedFeatures(InputSpec input, ModelSection model) throws JobSpecException {
        int bits = input.hashing().bits();
        if (bits > 0 && model.features() != (1 << bits)) {
            throw new JobSpecException("key 'model.features' must be 2^input.hashing.bits = " + (1 << bits)
                    + " when text is hashed, got " + model.features());
        }
    }

    /** Kafka outputs commit their transactions on checkpoints, so they need checkpointing. */
    static void checkOutput(JobSpec spec, InputSpec input) throws JobSpecException {
        JobSpec.KafkaOutputSpec k = spec.output().kafka();
        KafkaProperties.parse(k.properties(), "output.kafka.properties");
        if (spec.rounds().feedback() == JobSpec.Feedback.KAFKA && k.modelTopic() == null) {
            throw new JobSpecException("key 'output.kafka.modelTopic' is required when rounds.feedback is kafka"
                    + " (the trainers read the global models from it)");
        }
        if (!k.enabled()) {
            return;
        }
        if (spec.checkpoint().intervalMillis() <= 0) {
            throw new JobSpecException("key 'checkpoint.intervalMillis' must be > 0 with output.kafka topics (their"
                    + " transactions commit on checkpoints), got " + spec.checkpoint().intervalMillis());
        }
        if (k.modelTopic() != null && k.modelTopic().equals(k.deadLetterTopic())) {
            throw new JobSpecException("keys 'output.kafka.modelTopic' and 'output.kafka.deadLetterTopic' must differ,"
                    + " both are '" + k.modelTopic() + "'");
        }
        if (input.isKafka() && (input.kafka().topic().equals(k.modelTopic())
                || input.kafka().topic().equals(k.deadLetterTopic()))) {
            throw new JobSpecException("key 'input.kafka.topic' must differ from the output.kafka topics, got '"
                    + input.kafka().topic() + "' for both");
        }
    }

    /**
     * The output with, when Kafka topics are written, the servers defaulting to the Kafka input's
     * (or the local broker) and the transactional id prefix to {@code fedflink-<job>}; and the
     * model files' retention and the rolling of the files written line by line defaulting to
     * every version and one file of a bounded input and to a bounded number of an unbounded one.
     */
    static JobSpec.OutputSpec resolveOutput(JobSpec spec, InputSpec input) {
        JobSpec.ModelFilesSpec m = spec.output().models();
        boolean unbounded = input.monitor() || (input.isKafka() && !input.kafka().bounded());
        int keepDefault = unbounded ? JobSpecKeys.UNBOUNDED_KEEP : 0;
        JobSpec.ModelFilesSpec models = new JobSpec.ModelFilesSpec(
                m.keepLast() != null ? m.keepLast() : keepDefault,
                m.keepEvery() != null ? m.keepEvery() : keepDefault,
                m.intervalMillis());
        JobSpec.LineFilesSpec f = spec.output().files();
        JobSpec.LineFilesSpec files = new JobSpec.LineFilesSpec(
                f.rollMegabytes() != null ? f.rollMegabytes() : unbounded ? JobSpecKeys.UNBOUNDED_ROLL_MEGABYTES : 0,
                f.keepFiles() != null ? f.keepFiles() : unbounded ? JobSpecKeys.UNBOUNDED_KEEP_FILES : 0);
        JobSpec.KafkaOutputSpec k = spec.output().kafka();
        if (!k.enabled()) {
            return new JobSpec.OutputSpec(spec.output().predictions(), k, models, files);
        }
        String servers = k.bootstrapServers() != null ? k.bootstrapServers()
                : input.isKafka() ? input.kafka().bootstrapServers() : JobSpecKeys.DEFAULT_BOOTSTRAP;
        String prefix = k.transactionalIdPrefix() != null ? k.transactionalIdPrefix() : "fedflink-" + spec.job();
        return new JobSpec.OutputSpec(spec.output().predictions(), new JobSpec.KafkaOutputSpec(
                servers, k.modelTopic(), k.deadLetterTopic(), prefix, k.properties()), models, files);
    }

    /** Text labels name the classes in order: the i-th name is class i. */
    static void checkLabelNames(InputSpec input, ModelSection model) throws JobSpecException {
        List<String> names = input.labelNames();
        if (names.isEmpty()) {
            return;
        }
        if (input.type() != JobSpec.InputType.JSONL && input.type() != JobSpec.InputType.CSV && !input.isKafka()) {
            throw new JobSpecException("key 'input.labelNames' applies to jsonl, csv and kafka input only ("
                    + Messages.yamlName(input.type()) + " labels are numbers)");
        }
        if (model.type() == ModelType.LINEAR) {
            throw new JobSpecException("key 'input.labelNames' applies to classifiers only, not to a linear model");
        }
        if (names.size() != model.classes()) {
            throw new JobSpecException("key 'input.labelNames' must name model.classes = " + model.classes()
                    + " classes (the i-th name is class i), got " + names.size() + " names");
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String name : names) {
            if (!seen.add(name)) {
                throw new JobSpecException("key 'input.labelNames' names '" + Messages.clean(name) + "' twice");
            }
        }
    }
}
