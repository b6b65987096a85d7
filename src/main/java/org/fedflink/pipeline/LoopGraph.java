package org.fedflink.pipeline;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.functions.Partitioner;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.fedflink.artifact.RunFolder;
import org.fedflink.config.JobSpec;
import org.fedflink.data.Example;
import org.fedflink.io.OrderedSource;
import org.fedflink.io.RecordSequence;

/**
 * Wires one closed learning loop as its {@link LoopPlan} says: trainers, aggregators, feedback and
 * model writer, and the outputs beside them (predictions, per-source metrics, drifts, the model
 * topic). Operator uids and names begin with the plan's prefix, so that a baseline loop can live
 * beside the federated one.
 *
 * <p>The two edges inside the loop (updates to the aggregators, models back to the trainers)
 * flush every record instead of waiting for the network buffer timeout (100 ms by default):
 * the loop's latency is the staleness of every update, and at tens of thousands of examples per
 * second 100 ms are dozens of rounds, which makes FedAvg oscillate and diverge.
 */
final class LoopGraph {

    private LoopGraph() {}

    /**
     * Adds the loop of {@code plan}, learning from {@code examples} (null when its trainers read their
     * own input), its versions scored on {@code holdout}; the trainers, whose side outputs carry the
     * dead letters of an input they read.
     */
    static SingleOutputStreamOperator<LocalUpdate> add(StreamExecutionEnvironment env, DataStream<Example> examples,
            LoopPlan plan, HoldoutSupplier holdout) {
        String prefix = plan.uidPrefix();
        String out = plan.out();
        JobSpec spec = plan.spec();
        boolean readingItself = plan.trainer().input().isPresent();
        DataStream<GlobalModel> feedback = feedback(env, plan);
        SingleOutputStreamOperator<LocalUpdate> updates = (readingItself ? noExamples(env, prefix) : examples)
                .keyBy(plan.key())
                .connect(feedback.broadcast())
                .transform(prefix + "trainer", RecordTypeInfo.localUpdates(), new LocalTrainer(plan.trainer()))
                .setParallelism(plan.trainers())
                .setMaxParallelism(JobSpec.TrainerSpec.maxParallelism(plan.trainers()))
                .setBufferTimeout(0)
                .uid(prefix + StateDescriptors.UID_TRAINER)
                // progress lines sum the records read by the operators named "ingest"
                .name(prefix + (readingItself ? "local trainer, reading and ingesting its sources" : "local trainer"));

        if (plan.trainer().emitPredictions()) {
            updates.getSideOutput(LocalTrainer.PREDICTIONS)
                    .transform(prefix + "prediction-writer", TypeInformation.of(Void.class),
                            LinesWriter.predictions(Path.of(out, RunFolder.PREDICTIONS).toString(),
                                    spec.input().labelNames(), LinesWriter.rolling(spec.output().files())))
                    .setParallelism(1)
                    .uid(prefix + "prediction-writer")
                    .name(prefix + "predictions");
        }
        if (plan.perSourceStats()) {
            // per-source metrics need the counts, not the deltas: strip them while still chained to
            // the trainer, so that a model-sized array is not shipped twice per report
            updates.flatMap(new ProgressOnly(), RecordTypeInfo.localUpdates())
                    .setParallelism(plan.trainers())
                    .uid(prefix + "source-progress")
                    .name(prefix + "per-source progress")
                    .keyBy(new BySource())
                    .transform(prefix + "source-stats", TypeInformation.of(Void.class),
                            new SourceStats(out, plan.model().isClassifier()))
                    .setParallelism(1)
                    .uid(prefix + "source-stats")
                    .name(prefix + "per-source metrics");
        }

        SingleOutputStreamOperator<GlobalModel> globals = updates
                .partitionCustom(new ToShard(), new ShardOf())
                .transform(prefix + "aggregator", RecordTypeInfo.globalModels(),
                        new GlobalAggregator(plan.aggregator()))
                .setParallelism(plan.shards())
                .uid(prefix + StateDescriptors.UID_AGGREGATOR)
                .name(prefix + "global aggregator");
        globals.getTransformation().setCoLocationGroupKey(plan.loopId());
        if (plan.aggregator().drift().detector() != null) {
            updates.getSideOutput(DriftEvent.OUTPUT)
                    .union(globals.getSideOutput(DriftEvent.OUTPUT))
                    .transform(prefix + "drift-writer", TypeInformation.of(Void.class),
                            LinesWriter.drifts(Path.of(out, RunFolder.DRIFTS).toString()))
                    .setParallelism(1)
                    .uid(prefix + "drift-writer")
                    .name(prefix + "drifts");
        }

        // Its own thread: scoring the holdout set must not stall the aggregator (and, through
        // back-pressure, the trainers) while it runs.
        String modelTopic = plan.modelTopic();
        SingleOutputStreamOperator<PublishedModel> published = globals
                .transform(prefix + "model-writer", TypeInformation.of(PublishedModel.class),
                        new ModelWriter(spec.job(), plan.model(), out, holdout, spec.evaluation().intervalMillis(),
                                modelTopic == null ? null : plan.modelKey(), plan.loopId(),
                                new VersionRetention.Policy(spec.output().models().keepLast(),
                                        spec.output().models().keepEvery()),
                                FileCadence.intervalMillis(spec.output().models().intervalMillis(),
                                        plan.model().numParams())))
                .startNewChain()
                .setParallelism(1)
                .uid(prefix + "model-writer")
                .name(prefix + "model writer");
        if (modelTopic != null) {
            Properties client = KafkaOutputs.clientProperties(spec, System.getenv());
            long messageBytes = KafkaOutputs.prepareTopics(spec, plan.model(), client);
            published.sinkTo(KafkaOutputs.modelSink(spec, client, messageBytes, prefix + "models"))
                    .setParallelism(1)
                    .uid(prefix + "model-topic")
                    .name(prefix + "models: " + modelTopic);
        }
        return updates;
    }

    /**
     * The first input of trainers that read their own input: empty (it ends at once, and the
     * trainers end with what they read), there because the trainer is a two-input operator.
     */
    private static DataStream<Example> noExamples(StreamExecutionEnvironment env, String prefix) {
        return env.fromSource(new OrderedSource<>(new NoExamples(), 1, 0, RecordTypeInfo.examples()),
                        WatermarkStrategy.noWatermarks(), prefix + "no-examples")
                .setParallelism(1)
                .uid(prefix + StateDescriptors.UID_NO_EXAMPLES)
                .name(prefix + "examples: read by the trainers");
    }

    private static final class NoExamples implements RecordSequence<Example> {
        private static final long serialVersionUID = 1L;

        @Override
        public long size() {
            return 0;
        }

        @Override
        public void open(MetricGroup metrics) {}

        @Override
        public int groupOf(long position, int groups) {
            throw new IllegalStateException("no positions");
        }

        @Override
        public Example read(long position) {
            throw new IllegalStateException("no positions");
        }

        @Override
        public long timestamp(Example record) {
            return NO_TIMESTAMP;
        }

        @Override
        public void close() {}
    }

    /**
     * The source of the trainers' new global models: the in-job channel, or (rounds.feedback: kafka)
     * the model topic; either shares the aggregators' slots and ends with them.
     */
    private static DataStream<GlobalModel> feedback(StreamExecutionEnvironment env, LoopPlan plan) {
        String prefix = plan.uidPrefix();
        JobSpec spec = plan.spec();
        SingleOutputStreamOperator<GlobalModel> feedback = plan.kafkaFeedback()
                ? env.fromSource(
                                KafkaFeedback.source(spec.output().kafka().modelTopic(),
                                        KafkaOutputs.clientProperties(spec, System.getenv()), plan.loopId(),
                                        plan.trainer().layout(), System.currentTimeMillis()),
                                WatermarkStrategy.noWatermarks(),
                                prefix + "kafka-feedback",
                                RecordTypeInfo.globalModels())
                        .setParallelism(plan.shards())
                        .setBufferTimeout(0)
                        .uid(prefix + "kafka-feedback-source")
                        .name(prefix + "feedback: global models from " + spec.output().kafka().modelTopic())
                : env.fromSource(
                                new FeedbackSource(plan.loopId()),
                                WatermarkStrategy.noWatermarks(),
                                prefix + "feedback",
                                RecordTypeInfo.globalModels())
                        .setParallelism(plan.shards())
                        .setBufferTimeout(0)
                        .uid(prefix + "feedback-source")
                        .name(prefix + "feedback: global models");
        feedback.getTransformation().setCoLocationGroupKey(plan.loopId());
        return feedback;
    }

    private static final class ShardOf implements KeySelector<LocalUpdate, Integer> {
        @Override
        public Integer getKey(LocalUpdate update) {
            return update.shard();
        }
    }

    private static final class ToShard implements Partitioner<Integer> {
        @Override
        public int partition(Integer shard, int numPartitions) {
            return shard;
        }
    }

    private static final class BySource implements KeySelector<LocalUpdate, String> {
        @Override
        public String getKey(LocalUpdate update) {
            return update.source();
        }
    }

    /** A source's progress counts from its update's first shard piece, without the delta. */
    private static final class ProgressOnly implements FlatMapFunction<LocalUpdate, LocalUpdate> {
        private static final float[] NO_DELTA = new float[0];

        @Override
        public void flatMap(LocalUpdate update, Collector<LocalUpdate> out) {
            if (!update.endOfInput() && update.shard() == 0 && update.samples() > 0) {
                out.collect(new LocalUpdate(0, update.source(), update.baseVersion(), update.samples(),
                        update.lossSum(), update.correct(), NO_DELTA, false, update.sender()));
            }
        }
    }
}
