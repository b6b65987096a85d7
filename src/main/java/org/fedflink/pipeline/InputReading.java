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
 */
record InputReading(FileInput files, DataStream<Example> examples, DataStream<Example> inOrder) {

    /**
     * Adds the reading of the input for {@code group}, the {@code index}-th group of the job
     * ({@link FedJob#inputGroups}).
     */
    static InputReading of(StreamExecutionEnvironment env, List<JobSpec.Task> group, int index, Path outDir) {
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
        int readers = anyFederated ? first.input().parallelism() : 1;
        DataStream<Example> examples = ingested(env, first, files, prefix, dir, readers, true);
        // The centralized learner sees the input's exact order, so it is the same model run after
        // run: when parallel readers split the input by source, it reads the input again with one.
        // (Kafka partitions have no order between them to keep.)
        DataStream<Example> inOrder = readers == 1 || !anyCentralized || first.input().isKafka()
                ? examples
                : ingested(env, first, files, prefix + "in-order-", dir, 1, false);
        return new InputReading(files, examples, inOrder);
    }

    /** The examples a loop reads: in the input's order if its plan asks for that. */
    DataStream<Example> examplesFor(LoopPlan plan) {
        return plan.inOrder() ? inOrder : examples;
    }

    /**
     * Reads, parses and validates the input with {@code readers} readers. Every record leaves its
     * reader with its event time and the readers' watermarks; examples keep both through the ingest.
     * The {@code primary} reading writes the dead letters and the counts into {@code dir}; another
     * reading of the same input (for the centralized learner) only feeds its loops.
     */
    private static DataStream<Example> ingested(StreamExecutionEnvironment env, JobSpec spec, FileInput files,
            String prefix, Path dir, int readers, boolean primary) {
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
        DataStream<DeadLetter> deadLetters = ingested.getSideOutput(Ingest.DEAD_LETTERS);
        deadLetters
                .transform(prefix + "dead-letter-writer", TypeInformation.of(Void.class),
                        LinesWriter.deadLetters(dir.resolve(RunFolder.DEAD_LETTER).toString(),
                                LinesWriter.rolling(spec.output().files())))
                .setParallelism(1)
                .uid(prefix + "dead-letter-writer")
                .name(prefix + "dead letters");
        if (spec.output().kafka().deadLetterTopic() != null) {
            Properties client = KafkaOutputs.clientProperties(spec, System.getenv());
            KafkaOutputs.prepareTopics(spec, model, client);
            deadLetters
                    .sinkTo(KafkaOutputs.deadLetterSink(spec, client, spec.input().isKafka(), prefix + "dead-letters"))
                    .setParallelism(1)
                    .uid(prefix + "dead-letter-topic")
                    .name(prefix + "dead letters: " + spec.output().kafka().deadLetterTopic());
        }
        return ingested;
    }
}
