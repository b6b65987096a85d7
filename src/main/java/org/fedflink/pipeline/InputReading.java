package org.fedflink.pipeline;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.fedflink.artifact.RunFolder;
import org.fedflink.config.JobSpec;
import org.fedflink.data.Example;
import org.fedflink.io.FileInput;
import org.fedflink.model.ModelSpec;

/**
 * One reading of the input, shared by a group of tasks that read it alike: its readers, the
 * ingest (parse + validate, dead letters to a file and to the dead-letter topic) and, when the
 * loops need it, a second reading in the input's exact order.
 *
 * @param files the input files as the client looked at them, or a Kafka input's message format;
 *     null for the generator
 * @param examples the examples from as many readers as the federated loops read with
 * @param inOrder the examples in the input's order, for the centralized learner; {@code examples}
 *     itself when that is already in order or no loop needs it
 * @param trainerInput what the federated loop's trainers read themselves ({@code input.readBy});
 *     null when they read {@code examples}. {@code examples} and {@code inOrder} are then a second
 *     reading in order for the baselines, or null when none needs it
 * @param deadLetters where the dead letters of the primary reading go
 */
record InputReading(FileInput files, DataStream<Example> examples, DataStream<Example> inOrder,
        TrainerInput trainerInput, DeadLetterSinks deadLetters) {

    /**
     * Adds the reading of the input for {@code group}, the {@code index}-th group of the job
     * ({@link FedJob#inputGroups}).
     */
    static InputReading of(StreamExecutionEnvironment env, List<JobSpec.Task> group, int index, Path outDir,
            boolean multiTask) {
        // The first reading keeps the names and uids of a single-task job, so savepoints carry over.
        String prefix = index == 0 ? "" : RunFolder.inputFolder(index) + "/";
        Path dir = index == 0 ? outDir : outDir.resolve(RunFolder.inputFolder(index));
        JobSpec first = group.get(0).spec();
        // Files are looked at here, on the client, so a file that is not its declared format fails
        // now; a Kafka input is described by its message format (and its topic is checked below).
        FileInput files = first.input().isFile() ? FileInput.prepare(first, dir)
                : first.input().isKafka() ? KafkaInput.describe(first) : null;
        boolean anyFederated = group.stream().anyMatch(t -> t.spec().mode() != JobSpec.Mode.CENTRALIZED);
        boolean anyCentralized = group.stream().anyMatch(t -> t.spec().mode() == JobSpec.Mode.CENTRALIZED
                || t.spec().evaluation().has(JobSpec.Baseline.CENTRALIZED));
        DeadLetterSinks deadLetters = new DeadLetterSinks(first, prefix, dir);
        if (!multiTask && first.trainersReadInput()) {
            // the trainers read and count the input; the baselines, if any, read it again in order
            boolean anyLocal = group.stream().anyMatch(t -> t.spec().evaluation().has(JobSpec.Baseline.LOCAL));
            DataStream<Example> second = anyCentralized || anyLocal
                    ? ingested(env, first, files, prefix + "in-order-", dir, 1, null)
                    : null;
            TrainerInput own = new TrainerInput(InputSources.sequence(first, files), first.model().toSpec(),
                    first.input().watermarkDelayMillis(), InputSources.ratePerSecond(first),
                    dir.resolve(FedJob.COUNTS).toString(),
                    first.rounds().feedback() == JobSpec.Feedback.KAFKA ? 0 : first.rounds().nominalUpdatesPerRound());
            return new InputReading(files, second, second, own, deadLetters);
        }
        int readers = anyFederated ? first.input().parallelism() : 1;
        DataStream<Example> examples = ingested(env, first, files, prefix, dir, readers, deadLetters);
        // The centralized learner sees the input's exact order, so it is the same model run after
        // run: when parallel readers split the input by source, it reads the input again with one.
        // (Kafka partitions have no order between them to keep.)
        DataStream<Example> inOrder = readers == 1 || !anyCentralized || first.input().isKafka()
                ? examples
                : ingested(env, first, files, prefix + "in-order-", dir, 1, null);
        return new InputReading(files, examples, inOrder, null, deadLetters);
    }

    /** The examples a loop reads: in the input's order if its plan asks for that. */
    DataStream<Example> examplesFor(LoopPlan plan) {
        return plan.inOrder() ? inOrder : examples;
    }

    /**
     * Reads, parses and validates the input with {@code readers} readers. Every record leaves its
     * reader with its event time and the readers' watermarks; examples keep both through the ingest.
     * The primary reading (given {@code deadLetters}) writes the dead letters and the counts into
     * {@code dir}; another reading of the same input (for the centralized learner) only feeds its loops.
     */
    private static DataStream<Example> ingested(StreamExecutionEnvironment env, JobSpec spec, FileInput files,
            String prefix, Path dir, int readers, DeadLetterSinks deadLetters) {
        boolean primary = deadLetters != null;
        ModelSpec model = spec.model().toSpec();
        DataStream<RawRecord> raw = InputSources.rawRecords(env, spec, files, prefix, readers);
        SingleOutputStreamOperator<Example> ingested = raw.transform(
                        prefix + "ingest", RecordTypeInfo.examples(),
                        new Ingest(model, primary ? dir.resolve(FedJob.COUNTS).toString() : null))
                .setParallelism(readers)
                .uid(prefix + "ingest")
                // progress lines sum the operators named "ingest": a second reading is not one
                .name(primary ? prefix + "ingest: parse + validate" : prefix + "parse + validate");
        if (!primary) {
            return ingested;
        }
        deadLetters.add(ingested.getSideOutput(Ingest.DEAD_LETTERS));
        return ingested;
    }

    /** The dead-letter file of a reading, and the dead-letter topic when the job has one. */
    static final class DeadLetterSinks {
        private final JobSpec spec;
        private final String prefix;
        private final Path dir;

        DeadLetterSinks(JobSpec spec, String prefix, Path dir) {
            this.spec = spec;
            this.prefix = prefix;
            this.dir = dir;
        }

        /** Sends {@code deadLetters}, the primary reading's, to the file and the topic. */
        void add(DataStream<DeadLetter> deadLetters) {
            deadLetters
                    .transform(prefix + "dead-letter-writer", TypeInformation.of(Void.class),
                            LinesWriter.deadLetters(dir.resolve(RunFolder.DEAD_LETTER).toString(),
                                    LinesWriter.rolling(spec.output().files())))
                    .setParallelism(1)
                    .uid(prefix + "dead-letter-writer")
                    .name(prefix + "dead letters");
            if (spec.output().kafka().deadLetterTopic() != null) {
                Properties client = KafkaOutputs.clientProperties(spec, System.getenv());
                KafkaOutputs.prepareTopics(spec, spec.model().toSpec(), client);
                deadLetters
                        .sinkTo(KafkaOutputs.deadLetterSink(spec, client, spec.input().isKafka(),
                                prefix + "dead-letters"))
                        .setParallelism(1)
                        .uid(prefix + "dead-letter-topic")
                        .name(prefix + "dead letters: " + spec.output().kafka().deadLetterTopic());
            }
        }
    }
}
