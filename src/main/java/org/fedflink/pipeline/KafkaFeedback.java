package org.fedflink.pipeline;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.fedflink.federation.ShardLayout;
import org.fedflink.kafka.ModelMessages;

/**
 * The feedback loop through Kafka ({@code rounds.feedback: kafka}): the trainers' broadcast input
 * is the model topic itself, the versions every other consumer sees, rather than the in-job
 * channel. Each version of this loop (messages carry the loop id; other jobs' and earlier runs'
 * versions are skipped) is split back into its shard pieces.
 *
 * <p>The topic is read {@code read_committed}, from the first message published after the job
 * graph was built (a version is never missed, however short the job). The source has the
 * aggregators' parallelism and shares their slots, like the in-job feedback source, because its
 * end comes from them: subtask i finishes when aggregator subtask i ends its channel (the final
 * model is out), which lets a bounded job finish without waiting for a Kafka message.
 */
final class KafkaFeedback {

    private KafkaFeedback() {}

    /**
     * @param client consumer properties of the model topic's brokers
     * @param layout the model's shards, to split each version into pieces
     */
    static Source<GlobalModel, ?, ?> source(String topic, Properties client, String loopId, ShardLayout layout,
            long startMillis) {
        Properties props = new Properties();
        props.putAll(client);
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(32 << 20));
        props.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
        KafkaSource<GlobalModel> kafka = KafkaSource.<GlobalModel>builder()
                .setProperties(props)
                .setTopics(topic)
                .setGroupId("fedflink-feedback-" + loopId)
                .setStartingOffsets(OffsetsInitializer.timestamp(startMillis))
                .setDeserializer(new Pieces(loopId, layout))
                .setProperty("commit.offsets.on.checkpoint", "false")
                .build();
        return new EndingWithChannel<>(kafka, loopId);
    }

    /** A version message of this loop as its shard pieces; anything else is skipped. */
    static final class Pieces implements KafkaRecordDeserializationSchema<GlobalModel> {
        private static final long serialVersionUID = 1L;

        private final String loopId;
        private final ShardLayout layout;

        Pieces(String loopId, ShardLayout layout) {
            this.loopId = loopId;
            this.layout = layout;
        }

        @Override
        public void open(DeserializationSchema.InitializationContext context) {}

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> message, Collector<GlobalModel> out) throws IOException {
            ModelMessages.Version v;
            try {
                v = ModelMessages.parse(message.value());
            } catch (IllegalArgumentException e) {
                return; // not a model message: nothing a trainer can use
            }
            if (!loopId.equals(v.loopId()) || v.params().length != layout.numParams()) {
                return;
            }
            var m = v.metadata();
            var metrics = m.path("metrics");
            for (int shard = 0; shard < layout.shards(); shard++) {
                float[] piece = java.util.Arrays.copyOfRange(v.params(), layout.from(shard), layout.to(shard));
                out.collect(new GlobalModel(shard, layout.shards(), v.version(), piece,
                        m.path("samplesInModel").asLong(), m.path("sourcesInModel").asLong(), m.path("rounds").asLong(),
                        m.path("createdMillis").asLong(), metrics.path("roundUpdates").asInt(),
                        metrics.path("roundSources").asInt(), metrics.path("roundSamples").asLong(),
                        metrics.path("roundStaleness").asDouble(Double.NaN),
                        metrics.path("prequentialLoss").asDouble(Double.NaN),
                        metrics.path("prequentialAccuracy").asDouble(Double.NaN),
                        metrics.path("windowPrequentialLoss").asDouble(Double.NaN),
                        metrics.path("windowPrequentialAccuracy").asDouble(Double.NaN), v.last())
                        // the sources follow the server's drifts through the topic as through the channel
                        .withGlobalDrifts(metrics.path("globalDrifts").asLong()));
            }
        }

        @Override
        public TypeInformation<GlobalModel> getProducedType() {
            return RecordTypeInfo.globalModels();
        }
    }

    /** A source whose subtask i also finishes when aggregator subtask i of the loop ends its channel. */
    static final class EndingWithChannel<S extends SourceSplit, E> implements Source<GlobalModel, S, E> {
        private final Source<GlobalModel, S, E> delegate;
        private final String loopId;

        EndingWithChannel(Source<GlobalModel, S, E> delegate, String loopId) {
            this.delegate = delegate;
            this.loopId = loopId;
        }

        @Override
        public Boundedness getBoundedness() {
            return delegate.getBoundedness();
        }

        @Override
        public SourceReader<GlobalModel, S> createReader(SourceReaderContext context) throws Exception {
            return new Reader<>(delegate.createReader(context), loopId, context.getIndexOfSubtask());
        }

        @Override
        public SplitEnumerator<S, E> createEnumerator(SplitEnumeratorContext<S> context) throws Exception {
            return delegate.createEnumerator(context);
        }

        @Override
        public SplitEnumerator<S, E> restoreEnumerator(SplitEnumeratorContext<S> context, E checkpoint)
                throws Exception {
            return delegate.restoreEnumerator(context, checkpoint);
        }

        @Override
        public SimpleVersionedSerializer<S> getSplitSerializer() {
            return delegate.getSplitSerializer();
        }

        @Override
        public SimpleVersionedSerializer<E> getEnumeratorCheckpointSerializer() {
            return delegate.getEnumeratorCheckpointSerializer();
        }
    }

    private static final class Reader<S extends SourceSplit> implements SourceReader<GlobalModel, S> {
        private final SourceReader<GlobalModel, S> delegate;
        private final String loopId;
        private final int subtask;
        private FeedbackChannel channel;

        Reader(SourceReader<GlobalModel, S> delegate, String loopId, int subtask) {
            this.delegate = delegate;
            this.loopId = loopId;
            this.subtask = subtask;
        }

        @Override
        public void start() {
            channel = FeedbackChannel.of(loopId, subtask);
            delegate.start();
        }

        @Override
        public InputStatus pollNext(ReaderOutput<GlobalModel> output) throws Exception {
            if (channel.ended().isDone()) {
                return InputStatus.END_OF_INPUT;
            }
            return delegate.pollNext(output);
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            if (channel.ended().isDone()) {
                return CompletableFuture.completedFuture(null);
            }
            return CompletableFuture.anyOf(delegate.isAvailable(), channel.ended()).thenApply(x -> null);
        }

        @Override
        public List<S> snapshotState(long checkpointId) {
            return delegate.snapshotState(checkpointId);
        }

        @Override
        public void addSplits(List<S> splits) {
            delegate.addSplits(splits);
        }

        @Override
        public void notifyNoMoreSplits() {
            delegate.notifyNoMoreSplits();
        }

        @Override
        public void handleSourceEvents(SourceEvent event) {
            delegate.handleSourceEvents(event);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            delegate.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void pauseOrResumeSplits(Collection<String> paused, Collection<String> resumed) {
            delegate.pauseOrResumeSplits(paused, resumed);
        }

        @Override
        public void close() throws Exception {
            delegate.close();
            FeedbackChannel.release(loopId, subtask);
        }
    }
}
