package org.fedflink.config;

import java.io.Serializable;

/**
 * The input and output sections of a job spec ({@code input.*}, {@code output.*}): where examples
 * come from and how they are read, and what the job writes besides models and metrics.
 * {@link JobSpec} implements this interface, so its types are named {@code JobSpec.InputSpec},
 * {@code JobSpec.OutputSpec}, ... like the spec's other sections; {@link InputOutputRules} checks
 * and resolves them.
 */
public interface InputOutputSections {

    /** Where examples come from: the built-in generator, files of one format, or a Kafka topic. */
    public enum InputType { GENERATOR, JSONL, CSV, LIBSVM, IDX, KAFKA }

    /** The row format of a Kafka message's value: one JSON object, or one headerless CSV row. */
    public enum KafkaFormat { JSONL, CSV }

    /** Where a Kafka input starts reading when it has no checkpointed position. */
    public enum StartingOffsets { EARLIEST, LATEST, COMMITTED, TIMESTAMP }

    /** Feature scaling applied to every example (input and holdout) before training. */
    public enum Scaling { NONE, DIVIDE, STANDARDIZE }

    /** How rows of data without a source field are dealt to simulated sources. */
    public enum PartitionScheme { NONE, IID, DIRICHLET, SHARDS, QUANTITY }

    /** What an input does with a record field it does not know. */
    public enum UnknownFields { IGNORE, REJECT }

    /**
     * Who reads the input: readers before a shuffle to the trainers, or each trainer subtask its own
     * sources' records; {@code auto} (the default) is the trainers whenever they can ({@link
     * InputOutputRules#trainersCanRead}).
     */
    public enum ReadBy { AUTO, READERS, TRAINERS }

    /** Where examples come from. {@code path} is used by file inputs, {@code generator} by the generator. */
    public record InputSpec(
            InputType type,
            String path,
            int parallelism,
            double ratePerSecond,
            String labelsPath,
            java.util.List<String> labelNames,
            long watermarkDelayMillis,
            int passes,
            boolean shuffle,
            boolean monitor,
            long monitorIntervalMillis,
            int maxLineBytes,
            long eventIntervalMillis,
            long startTimeMillis,
            FieldsSpec fields,
            CsvSpec csv,
            LibsvmSpec libsvm,
            HashingSpec hashing,
            ScalingSpec scaling,
            PartitionSpec partition,
            GeneratorSpec generator,
            KafkaInputSpec kafka,
            UnknownFields unknownFields,
            ReadBy readBy)
            implements Serializable {

        public InputSpec {
            labelNames = labelNames == null ? java.util.List.of() : java.util.List.copyOf(labelNames);
        }

        /** Whether examples come from files (any format) rather than the generator or Kafka. */
        public boolean isFile() {
            return type != InputType.GENERATOR && type != InputType.KAFKA;
        }

        /** Whether examples come from a Kafka topic ({@link #kafka()}). */
        public boolean isKafka() {
            return type == InputType.KAFKA;
        }

        InputSpec withPath(String newPath) {
            return new InputSpec(type, newPath, parallelism, ratePerSecond, labelsPath, labelNames, watermarkDelayMillis, passes,
                    shuffle, monitor, monitorIntervalMillis, maxLineBytes, eventIntervalMillis, startTimeMillis, fields,
                    csv, libsvm, hashing, scaling, partition, generator, kafka, unknownFields, readBy);
        }

        InputSpec withKafka(KafkaInputSpec newKafka) {
            return new InputSpec(type, path, parallelism, ratePerSecond, labelsPath, labelNames, watermarkDelayMillis, passes,
                    shuffle, monitor, monitorIntervalMillis, maxLineBytes, eventIntervalMillis, startTimeMillis, fields,
                    csv, libsvm, hashing, scaling, partition, generator, newKafka, unknownFields, readBy);
        }

        /** This input read by {@code newReadBy}. */
        public InputSpec withReadBy(ReadBy newReadBy) {
            return new InputSpec(type, path, parallelism, ratePerSecond, labelsPath, labelNames, watermarkDelayMillis,
                    passes, shuffle, monitor, monitorIntervalMillis, maxLineBytes, eventIntervalMillis, startTimeMillis,
                    fields, csv, libsvm, hashing, scaling, partition, generator, kafka, unknownFields, newReadBy);
        }
    }

    /** Names of the fields (JSONL) or header columns (CSV) of a record; {@code none} = the data has none. */
    public record FieldsSpec(
            String source, String time, String label, String features, String indices, String values, String text)
            implements Serializable {
        /** The value of a field name that means "the data has no such field". */
        public static final String NONE = "none";
    }

    /** CSV layout; {@code ignore} names header columns that are neither read nor features. */
    public record CsvSpec(boolean header, String delimiter, java.util.List<String> ignore) implements Serializable {
        public CsvSpec {
            ignore = ignore == null ? java.util.List.of() : java.util.List.copyOf(ignore);
        }
    }

    public record LibsvmSpec(int indexBase) implements Serializable {}

    /**
     * A Kafka topic as the input: each message's value is one row of {@code format}, parsed with
     * the {@code input.fields} names; the source is the row's source field or, with
     * {@code input.fields.source: none}, the message key. {@code properties} are Kafka client
     * properties ({@code key=value}); values of secret keys never appear in {@link #toString()}
     * nor in the YAML the loader writes (see {@link KafkaProperties}).
     */
    public record KafkaInputSpec(
            String bootstrapServers,
            String topic,
            String groupId,
            StartingOffsets startingOffsets,
            long startingTimestampMillis,
            boolean bounded,
            long idleTimeoutMillis,
            double ratePerSecond,
            KafkaFormat format,
            java.util.List<String> properties)
            implements Serializable {

        public KafkaInputSpec {
            properties = properties == null ? java.util.List.of() : java.util.List.copyOf(properties);
        }

        @Override
        public String toString() {
            return "KafkaInputSpec[bootstrapServers=" + bootstrapServers + ", topic=" + topic + ", groupId=" + groupId
                    + ", startingOffsets=" + startingOffsets + ", startingTimestampMillis=" + startingTimestampMillis
                    + ", bounded=" + bounded + ", idleTimeoutMillis=" + idleTimeoutMillis + ", ratePerSecond="
                    + ratePerSecond + ", format=" + format
                    + ", properties=" + KafkaProperties.redact(properties) + "]";
        }
    }

    /**
     * Kafka outputs: every global version to {@code modelTopic} and every dead letter to
     * {@code deadLetterTopic}, both transactional (exactly once). {@code null} topics are off.
     */
    public record KafkaOutputSpec(
            String bootstrapServers,
            String modelTopic,
            String deadLetterTopic,
            String transactionalIdPrefix,
            java.util.List<String> properties)
            implements Serializable {

        public KafkaOutputSpec {
            properties = properties == null ? java.util.List.of() : java.util.List.copyOf(properties);
        }

        /** Whether anything is written to Kafka. */
        public boolean enabled() {
            return modelTopic != null || deadLetterTopic != null;
        }

        @Override
        public String toString() {
            return "KafkaOutputSpec[bootstrapServers=" + bootstrapServers + ", modelTopic=" + modelTopic
                    + ", deadLetterTopic=" + deadLetterTopic + ", transactionalIdPrefix=" + transactionalIdPrefix
                    + ", properties=" + KafkaProperties.redact(properties) + "]";
        }
    }

    /** Signed feature hashing of a text field; {@code bits = 0} turns it off. */
    public record HashingSpec(int bits, int ngrams, boolean lowercase) implements Serializable {}

    public record ScalingSpec(Scaling type, double divisor, int examples) implements Serializable {}

    public record PartitionSpec(PartitionScheme scheme, int sources, double alpha, int shardsPerSource)
            implements Serializable {}

    /** The built-in synthetic data: a planted model over non-IID sources. */
    public record GeneratorSpec(
            long examples,
            int sources,
            double labelSkew,
            double featureShift,
            double classSeparation,
            double noise,
            double corruptFraction,
            long eventIntervalMillis,
            long startTimeMillis,
            double ratePerSecond)
            implements Serializable {}

    /** What the job writes besides models and metrics, and which model versions keep their files. */
    public record OutputSpec(boolean predictions, KafkaOutputSpec kafka, ModelFilesSpec models,
            LineFilesSpec files) implements Serializable {}

    /**
     * Which published versions keep their files in {@code models/} (the newest version, the ones
     * the retained checkpoints hold and {@code metrics.csv} always stay).
     *
     * @param keepLast the newest this many versions; 0: every version. Unset: every version of a
     *     bounded input, the newest {@value JobSpecKeys#UNBOUNDED_KEEP} of an unbounded one (Kafka,
     *     a monitored directory)
     * @param keepEvery also every version whose number is a multiple of this; 0: none. Unset: 0 for
     *     a bounded input, {@value JobSpecKeys#UNBOUNDED_KEEP} for an unbounded one
     * @param intervalMillis write a version's files at most this often (processing time); 0: every
     *     version. Unset: by the model's size, resolved where the model is known (every version of
     *     a small model)
     */
    public record ModelFilesSpec(Integer keepLast, Integer keepEvery, Long intervalMillis) implements Serializable {

        /** Retention alone, files for every version or as the model's size says. */
        public ModelFilesSpec(Integer keepLast, Integer keepEvery) {
            this(keepLast, keepEvery, null);
        }
    }

    /**
     * How the files written line by line ({@code predictions.jsonl}, {@code dead-letters.jsonl})
     * roll over to numbered parts, and how many parts stay.
     *
     * @param rollMegabytes the file rolls once it holds this many megabytes; 0: never. Unset: never
     *     for a bounded input, {@value JobSpecKeys#UNBOUNDED_ROLL_MEGABYTES} for an unbounded one
     * @param keepFiles the newest this many rolled parts stay; 0: every part. Unset: every part of a
     *     bounded input, {@value JobSpecKeys#UNBOUNDED_KEEP_FILES} of an unbounded one
     */
    public record LineFilesSpec(Integer rollMegabytes, Integer keepFiles) implements Serializable {}
}
