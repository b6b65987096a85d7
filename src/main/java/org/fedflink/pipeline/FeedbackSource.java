package org.fedflink.pipeline;

import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * The head of the feedback loop: subtask i emits the global models that aggregator subtask i
 * (co-located with it) hands over through its {@link FeedbackChannel}. It has no splits and no
 * state: a model is a versioned state, and a restored aggregator re-publishes its model whole.
 * It finishes when the aggregator ends the channel, which lets a bounded job reach FINISHED.
 */
public final class FeedbackSource implements Source<GlobalModel, FeedbackSource.NoSplit, Void> {

    private final String loopId;

    public FeedbackSource(String loopId) {
        this.loopId = loopId;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<GlobalModel, NoSplit> createReader(SourceReaderContext context) {
        return new Reader(loopId, context.getIndexOfSubtask());
    }

    @Override
    public SplitEnumerator<NoSplit, Void> createEnumerator(SplitEnumeratorContext<NoSplit> context) {
        return new NoOpEnumerator();
    }

    @Override
    public SplitEnumerator<NoSplit, Void> restoreEnumerator(SplitEnumeratorContext<NoSplit> context, Void checkpoint) {
        return new NoOpEnumerator();
    }

    @Override
    public SimpleVersionedSerializer<NoSplit> getSplitSerializer() {
        return new EmptySerializer<>();
    }

    @Override
    public SimpleVersionedSerializer<Void> getEnumeratorCheckpointSerializer() {
        return new EmptySerializer<>();
    }

    /** The feedback source has no splits; this type only satisfies the Source contract. */
    public static final class NoSplit implements SourceSplit {
        @Override
        public String splitId() {
            return "feedback";
        }
    }

    private static final class Reader implements SourceReader<GlobalModel, NoSplit> {
        private final String loopId;
        private final int subtask;
        private FeedbackChannel channel;

        Reader(String loopId, int subtask) {
            this.loopId = loopId;
            this.subtask = subtask;
        }

        @Override
        public void start() {
            channel = FeedbackChannel.of(loopId, subtask);
        }

        @Override
        public InputStatus pollNext(ReaderOutput<GlobalModel> output) {
            GlobalModel model = channel.poll();
            if (model != null) {
                output.collect(model);
                return InputStatus.MORE_AVAILABLE;
            }
            return channel.isEndedAndDrained() ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return channel.available();
        }

        @Override
        public List<NoSplit> snapshotState(long checkpointId) {
            return Collections.emptyList();
        }

        @Override
        public void addSplits(List<NoSplit> splits) {}

        @Override
        public void notifyNoMoreSplits() {}

        @Override
        public void close() {
            FeedbackChannel.release(loopId, subtask);
        }
    }

    private static final class NoOpEnumerator implements SplitEnumerator<NoSplit, Void> {
        @Override
        public void start() {}

        @Override
        public void handleSplitRequest(int subtaskId, String requesterHostname) {}

        @Override
        public void addSplitsBack(List<NoSplit> splits, int subtaskId) {}

        @Override
        public void addReader(int subtaskId) {}

        @Override
        public Void snapshotState(long checkpointId) {
            return null;
        }

        @Override
        public void close() {}
    }

    private static final class EmptySerializer<T> implements SimpleVersionedSerializer<T> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(T obj) {
            return new byte[0];
        }

        @Override
        public T deserialize(int version, byte[] serialized) throws IOException {
            if (version != 1) {
                throw new IOException("Unknown version: " + version);
            }
            return null;
        }
    }
}
