package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.fedflink.data.Example;
import org.fedflink.eval.HoldoutSets;
import org.fedflink.federation.ShardLayout;
import org.fedflink.kafka.ModelMessages;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;
import org.fedflink.testing.ReaderContexts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The message logic of {@link KafkaFeedback}, without a broker: {@link KafkaFeedback.Pieces} turns a
 * model-topic message of its own loop back into the version's shard pieces (parameters, version,
 * end flag and figures; what the model writer publishes arrives as the aggregators made it) and
 * skips everything else (other loops, other models, anything that is not a valid model message);
 * {@link KafkaFeedback.EndingWithChannel} reads its delegate until aggregator subtask i ends its
 * channel, then finishes subtask i.
 */
class KafkaFeedbackTest {

    private final String loopId = UUID.randomUUID().toString();

    /** Linear regression over four features: five parameters, in two shards of 2 and 3. */
    private static final ModelSpec SPEC = new ModelSpec(ModelType.LINEAR, 4, 0, 0.0);
    private static final ShardLayout LAYOUT = new ShardLayout(5, 2);
    private static final float[] PARAMS = {1.5f, -2f, 0.25f, 4f, -0.125f};

    @TempDir
    Path tmp;

    @AfterEach
    void release() {
        FeedbackChannel.release(loopId, 0);
        FeedbackChannel.release(loopId, 1);
    }

    /** Metadata as the model writer puts it in a message. */
    private static Map<String, Object> metadata(long version, boolean last, Object prequentialLoss) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("job", "j");
        meta.put("version", version);
        meta.put("final", last);
        meta.put("createdMillis", 1_700_000_000_000L);
        meta.put("samplesInModel", 1234L);
        meta.put("sourcesInModel", 7L);
        meta.put("rounds", 12L);
        meta.put("shards", 2);
        meta.put("model", Map.of("type", "linear", "features", 4, "numParams", 5));
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("prequentialAccuracy", null);
        metrics.put("prequentialLoss", prequentialLoss);
        metrics.put("windowPrequentialAccuracy", null);
        metrics.put("windowPrequentialLoss", 0.75);
        metrics.put("roundUpdates", 3);
        metrics.put("roundSources", 2);
        metrics.put("roundSamples", 30L);
        metrics.put("roundStaleness", 0.5);
        metrics.put("globalDrifts", 2L);
        meta.put("metrics", metrics);
        return meta;
    }

    private static ConsumerRecord<byte[], byte[]> message(byte[] value) {
        return new ConsumerRecord<>("models", 0, 0L, "j".getBytes(StandardCharsets.UTF_8), value);
    }

    private List<GlobalModel> pieces(byte[] value) throws Exception {
        return pieces(new KafkaFeedback.Pieces(loopId, LAYOUT), value);
    }

    private static List<GlobalModel> pieces(KafkaFeedback.Pieces pieces, byte[] value) throws Exception {
        List<GlobalModel> out = new ArrayList<>();
        pieces.deserialize(message(value), new ListCollector<>(out));
        return out;
    }

    // ---- Pieces

    @Test
    void deserialize_versionOfThisLoop_isSplitIntoItsShardPiecesWithTheVersionsFigures() throws Exception {
        List<GlobalModel> out = pieces(ModelMessages.value(metadata(9, false, 0.5), PARAMS, loopId));

        assertThat(out).hasSize(2);
        assertThat(out.get(0).params()).containsExactly(1.5f, -2f);
        assertThat(out.get(1).params()).containsExactly(0.25f, 4f, -0.125f);
        for (int shard = 0; shard < 2; shard++) {
            GlobalModel piece = out.get(shard);
            assertThat(piece.shard()).isEqualTo(shard);
            assertThat(piece.shards()).isEqualTo(2);
            assertThat(piece.version()).isEqualTo(9);
            assertThat(piece.last()).isFalse();
            assertThat(piece.samplesInModel()).isEqualTo(1234);
            assertThat(piece.sourcesInModel()).isEqualTo(7);
            assertThat(piece.rounds()).isEqualTo(12);
            assertThat(piece.createdMillis()).isEqualTo(1_700_000_000_000L);
            assertThat(piece.roundUpdates()).isEqualTo(3);
            assertThat(piece.roundSources()).isEqualTo(2);
            assertThat(piece.roundSamples()).isEqualTo(30);
            assertThat(piece.roundStaleness()).isEqualTo(0.5);
            assertThat(piece.prequentialLoss()).isEqualTo(0.5);
            assertThat(piece.windowPrequentialLoss()).isEqualTo(0.75);
            assertThat(piece.globalDrifts()).isEqualTo(2);
        }
    }

    @Test
    void deserialize_figuresWrittenAsNull_becomeNaN_theFinalFlagIsKept() throws Exception {
        List<GlobalModel> out = pieces(ModelMessages.value(metadata(10, true, null), PARAMS, loopId));

        assertThat(out).hasSize(2).allSatisfy(piece -> {
            assertThat(piece.last()).isTrue();
            assertThat(piece.prequentialLoss()).isNaN();
            assertThat(piece.prequentialAccuracy()).isNaN();
            assertThat(piece.windowPrequentialAccuracy()).isNaN();
        });
    }

    @Test
    void deserialize_oneShard_givesTheWholeModelAsOnePiece() throws Exception {
        List<GlobalModel> out = pieces(new KafkaFeedback.Pieces(loopId, new ShardLayout(5, 1)),
                ModelMessages.value(metadata(1, false, 0.5), PARAMS, loopId));

        assertThat(out).singleElement().satisfies(piece -> {
            assertThat(piece.shard()).isZero();
            assertThat(piece.shards()).isEqualTo(1);
            assertThat(piece.params()).containsExactly(PARAMS);
        });
    }

    @Test
    void deserialize_versionOfAnotherLoop_isSkipped() throws Exception {
        assertThat(pieces(ModelMessages.value(metadata(9, false, 0.5), PARAMS, "another-run"))).isEmpty();
    }

    @Test
    void deserialize_messageWithoutLoopId_isSkipped() throws Exception {
        String value = new String(ModelMessages.value(metadata(9, false, 0.5), PARAMS, loopId), StandardCharsets.UTF_8)
                .replace("\"loopId\":\"" + loopId + "\",", "");
        assertThat(value).doesNotContain("loopId");

        assertThat(pieces(value.getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void deserialize_modelOfAnotherSize_isSkipped() throws Exception {
        Map<String, Object> meta = metadata(9, false, 0.5);
        meta.put("model", Map.of("type", "linear", "features", 3, "numParams", 4));

        assertThat(pieces(ModelMessages.value(meta, Arrays.copyOf(PARAMS, 4), loopId))).isEmpty();
    }

    @Test
    void deserialize_notAValidModelMessage_isSkippedWithoutFailing() throws Exception {
        byte[] valid = ModelMessages.value(metadata(9, false, 0.5), PARAMS, loopId);
        String tampered = new String(valid, StandardCharsets.UTF_8)
                .replaceFirst("\"checksum\":\"crc32:[0-9a-f]+\"", "\"checksum\":\"crc32:00000000\"");

        assertThat(pieces("not json".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(pieces("[1, 2]".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(pieces("{\"format\":\"fedflink-model/1\",\"loopId\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
        assertThat(pieces(tampered.getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(pieces(new byte[0])).isEmpty();
        // a tombstone
        assertThat(pieces((byte[]) null)).isEmpty();
        // the untampered message still gives its pieces
        assertThat(pieces(valid)).hasSize(2);
    }

    @Test
    void getProducedType_isTheGlobalModel() {
        assertThat(new KafkaFeedback.Pieces(loopId, LAYOUT).getProducedType().getTypeClass())
                .isEqualTo(GlobalModel.class);
    }

    private static GlobalModel aggregated(int shard, long version, boolean last) {
        float[] piece = Arrays.copyOfRange(PARAMS, LAYOUT.from(shard), LAYOUT.to(shard));
        return new GlobalModel(shard, 2, version, piece, 1234, 7, version, 1_700_000_000_000L + version, 3, 2, 30,
                0.5, 0.25, Double.NaN, 0.75, Double.NaN, last).withGlobalDrifts(shard == 0 ? 1 : 0);
    }

    @Test
    void deserialize_whatTheModelWriterPublishes_givesBackTheAggregatorsPieces() throws Exception {
        List<PublishedModel> published;
        HoldoutSupplier holdout = () -> HoldoutSets.of(List.of(new Example("h", 0, 1, null, new float[] {1, 0, 0, 0})));
        try (var h = new OneInputStreamOperatorTestHarness<>(new ModelWriter("j", SPEC, tmp.toString(), holdout,
                3_600_000, "j", loopId, VersionRetention.Policy.keepEveryVersion(), 0))) {
            h.open();
            h.processElement(aggregated(1, 1, false), 0);
            h.processElement(aggregated(0, 1, false), 0);
            h.processElement(aggregated(0, 2, true), 0);
            h.processElement(aggregated(1, 2, true), 0);
            published = h.extractOutputValues();
        }
        assertThat(published).extracting(PublishedModel::version).containsExactly(1L, 2L);

        List<GlobalModel> out = new ArrayList<>();
        for (PublishedModel p : published) {
            out.addAll(pieces(p.value()));
        }

        assertThat(out).hasSize(4);
        for (GlobalModel piece : out) {
            GlobalModel original = aggregated(piece.shard(), piece.version(), piece.version() == 2);
            assertThat(piece.shards()).isEqualTo(2);
            assertThat(piece.params()).containsExactly(original.params());
            assertThat(piece.last()).isEqualTo(original.last());
            assertThat(piece.samplesInModel()).isEqualTo(original.samplesInModel());
            assertThat(piece.sourcesInModel()).isEqualTo(original.sourcesInModel());
            assertThat(piece.rounds()).isEqualTo(original.rounds());
            assertThat(piece.createdMillis()).isEqualTo(original.createdMillis());
            assertThat(piece.prequentialLoss()).isEqualTo(0.25);
            assertThat(piece.prequentialAccuracy()).isNaN();
            // the figures of shard 0's piece, the one that carries them
            assertThat(piece.globalDrifts()).isEqualTo(1);
        }
        assertThat(out).extracting(GlobalModel::version, GlobalModel::shard).containsExactly(
                tuple(1L, 0), tuple(1L, 1),
                tuple(2L, 0), tuple(2L, 1));
    }

    // ---- EndingWithChannel

    /** A delegate source whose single reader emits the models it is given and is available when told. */
    private static final class Scripted implements Source<GlobalModel, FeedbackSource.NoSplit, Void> {
        final Deque<GlobalModel> pending = new ArrayDeque<>();
        CompletableFuture<Void> available = new CompletableFuture<>();
        boolean closed;
        int readerSubtask = -1;

        @Override
        public Boundedness getBoundedness() {
            return Boundedness.CONTINUOUS_UNBOUNDED;
        }

        @Override
        public SourceReader<GlobalModel, FeedbackSource.NoSplit> createReader(SourceReaderContext context) {
            readerSubtask = context.getIndexOfSubtask();
            return new SourceReader<>() {
                @Override
                public void start() {}

                @Override
                public InputStatus pollNext(ReaderOutput<GlobalModel> output) {
                    GlobalModel m = pending.poll();
                    if (m == null) {
                        return InputStatus.NOTHING_AVAILABLE;
                    }
                    output.collect(m);
                    return pending.isEmpty() ? InputStatus.NOTHING_AVAILABLE : InputStatus.MORE_AVAILABLE;
                }

                @Override
                public List<FeedbackSource.NoSplit> snapshotState(long checkpointId) {
                    return List.of(new FeedbackSource.NoSplit());
                }

                @Override
                public CompletableFuture<Void> isAvailable() {
                    return available;
                }

                @Override
                public void addSplits(List<FeedbackSource.NoSplit> splits) {}

                @Override
                public void notifyNoMoreSplits() {}

                @Override
                public void close() {
                    closed = true;
                }
            };
        }

        @Override
        public SplitEnumerator<FeedbackSource.NoSplit, Void> createEnumerator(
                SplitEnumeratorContext<FeedbackSource.NoSplit> context) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SplitEnumerator<FeedbackSource.NoSplit, Void> restoreEnumerator(
                SplitEnumeratorContext<FeedbackSource.NoSplit> context, Void checkpoint) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SimpleVersionedSerializer<FeedbackSource.NoSplit> getSplitSerializer() {
            return new FeedbackSource(null).getSplitSerializer();
        }

        @Override
        public SimpleVersionedSerializer<Void> getEnumeratorCheckpointSerializer() {
            return new FeedbackSource(null).getEnumeratorCheckpointSerializer();
        }
    }

    private SourceReader<GlobalModel, FeedbackSource.NoSplit> ending(Scripted delegate, int subtask) throws Exception {
        SourceReader<GlobalModel, FeedbackSource.NoSplit> reader =
                new KafkaFeedback.EndingWithChannel<>(delegate, loopId).createReader(ReaderContexts.ofSubtask(subtask));
        reader.start();
        return reader;
    }

    @Test
    void pollNext_channelOpen_readsTheDelegate_thenFinishesWhenTheAggregatorEndsTheChannel() throws Exception {
        Scripted delegate = new Scripted();
        SourceReader<GlobalModel, FeedbackSource.NoSplit> reader = ending(delegate, 1);
        FeedbackSourceTest.Collected out = new FeedbackSourceTest.Collected();
        delegate.pending.add(FeedbackSourceTest.model(1, false));
        delegate.pending.add(FeedbackSourceTest.model(2, false));

        assertThat(delegate.readerSubtask).isEqualTo(1);
        assertThat(reader.pollNext(out)).isEqualTo(InputStatus.MORE_AVAILABLE);
        assertThat(reader.pollNext(out)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
        assertThat(out.versions()).containsExactly(1L, 2L);

        // the channel only signals the end: the models it holds are not read
        FeedbackChannel.of(loopId, 1).offer(FeedbackSourceTest.model(3, false));
        delegate.pending.add(FeedbackSourceTest.model(3, false));
        FeedbackChannel.of(loopId, 1).end();

        assertThat(reader.pollNext(out)).isEqualTo(InputStatus.END_OF_INPUT);
        assertThat(out.versions()).containsExactly(1L, 2L);
        reader.close();
    }

    @Test
    void pollNext_anotherSubtasksChannelEnded_keepsReading() throws Exception {
        Scripted delegate = new Scripted();
        SourceReader<GlobalModel, FeedbackSource.NoSplit> reader = ending(delegate, 0);
        FeedbackSourceTest.Collected out = new FeedbackSourceTest.Collected();

        FeedbackChannel.of(loopId, 1).end();
        delegate.pending.add(FeedbackSourceTest.model(1, false));

        assertThat(reader.isAvailable()).isNotDone();
        assertThat(reader.pollNext(out)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
        assertThat(out.versions()).containsExactly(1L);
        reader.close();
    }

    @Test
    void isAvailable_completesWithTheDelegate_orWhenTheChannelEnds() throws Exception {
        Scripted delegate = new Scripted();
        SourceReader<GlobalModel, FeedbackSource.NoSplit> reader = ending(delegate, 0);

        CompletableFuture<Void> waiting = reader.isAvailable();
        assertThat(waiting).isNotDone();
        delegate.available.complete(null);
        assertThat(waiting).isDone();

        delegate.available = new CompletableFuture<>();
        CompletableFuture<Void> waitingForTheEnd = reader.isAvailable();
        assertThat(waitingForTheEnd).isNotDone();
        FeedbackChannel.of(loopId, 0).end();
        assertThat(waitingForTheEnd).isDone();
        assertThat(reader.isAvailable()).isDone();
        reader.close();
    }

    @Test
    void snapshotStateAndBoundedness_comeFromTheDelegate() throws Exception {
        Scripted delegate = new Scripted();
        var source = new KafkaFeedback.EndingWithChannel<>(delegate, loopId);
        SourceReader<GlobalModel, FeedbackSource.NoSplit> reader = ending(delegate, 0);

        assertThat(source.getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
        assertThat(reader.snapshotState(1)).hasSize(1);
        reader.close();
    }

    @Test
    void close_closesTheDelegateAndReleasesTheChannel() throws Exception {
        Scripted delegate = new Scripted();
        SourceReader<GlobalModel, FeedbackSource.NoSplit> reader = ending(delegate, 0);
        FeedbackChannel channel = FeedbackChannel.of(loopId, 0);
        channel.end();

        reader.close();

        assertThat(delegate.closed).isTrue();
        assertThat(FeedbackChannel.of(loopId, 0)).isNotSameAs(channel);
        assertThat(FeedbackChannel.of(loopId, 0).ended()).isNotDone();
    }
}
