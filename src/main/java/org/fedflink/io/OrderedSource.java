package org.fedflink.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimitedSourceReader;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * A bounded source that reads a {@link RecordSequence} in its order: with one reader, the whole
 * sequence in order; with {@code groups} readers, each reads the positions of one group of
 * sources, in order, so every source's records keep their order and never spread over readers
 * (a byte-range split would interleave a source's early and late records).
 *
 * <p>Positions are checkpointed per split, so a restored job continues exactly where its
 * checkpoint was. Meant to be used with watermark alignment when {@code groups > 1}, so the
 * readers stay close in event time.
 */
public final class OrderedSource<T>
        implements Source<T, OrderedSplit, Collection<OrderedSplit>>, ResultTypeQueryable<T> {
    private static final long serialVersionUID = 1L;

    private final RecordSequence<T> sequence;
    private final int groups;
    private final double ratePerSecond;
    private final TypeInformation<T> type;

    /**
     * @param groups how many groups (and readers) the sequence is split into; 1 reads it whole
     * @param ratePerSecond at most how many records all readers together read per second; 0: unlimited
     */
    public OrderedSource(RecordSequence<T> sequence, int groups, double ratePerSecond, TypeInformation<T> type) {
        if (groups < 1) {
            throw new IllegalArgumentException("groups must be >= 1, got " + groups);
        }
        this.sequence = sequence;
        this.groups = groups;
        this.ratePerSecond = ratePerSecond;
        this.type = type;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public SourceReader<T, OrderedSplit> createReader(SourceReaderContext context) {
        OrderedReader<T> reader = new OrderedReader<>(sequence, context);
        if (ratePerSecond <= 0) {
            return reader;
        }
        RateLimiterStrategy<OrderedSplit> rate = RateLimiterStrategy.perSecond(ratePerSecond);
        return new PausableRateLimitedReader<>(reader, rate.createRateLimiter(context.currentParallelism()));
    }

    @Override
    public SplitEnumerator<OrderedSplit, Collection<OrderedSplit>> createEnumerator(
            SplitEnumeratorContext<OrderedSplit> context) {
        List<OrderedSplit> splits = new ArrayList<>(groups);
        long size = sequence.size();
        for (int g = 0; g < groups; g++) {
            splits.add(OrderedSplit.of(g, groups, size));
        }
        return new Enumerator(context, splits);
    }

    @Override
    public SplitEnumerator<OrderedSplit, Collection<OrderedSplit>> restoreEnumerator(
            SplitEnumeratorContext<OrderedSplit> context, Collection<OrderedSplit> checkpoint) {
        return new Enumerator(context, new ArrayList<>(checkpoint));
    }

    @Override
    public SimpleVersionedSerializer<OrderedSplit> getSplitSerializer() {
        return OrderedSplit.Serializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<Collection<OrderedSplit>> getEnumeratorCheckpointSerializer() {
        return new EnumeratorStateSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return type;
    }

    /**
     * Hands out the unassigned splits on request, reader {@code i} preferring group {@code i} (so
     * that, at the same parallelism, a reader reads the same sources run after run).
     */
    private static final class Enumerator implements SplitEnumerator<OrderedSplit, Collection<OrderedSplit>> {
        private final SplitEnumeratorContext<OrderedSplit> context;
        private final List<OrderedSplit> remaining;

        Enumerator(SplitEnumeratorContext<OrderedSplit> context, List<OrderedSplit> remaining) {
            this.context = context;
            this.remaining = remaining;
        }

        @Override
        public void start() {}

        @Override
        public void handleSplitRequest(int subtask, String requesterHostname) {
            if (remaining.isEmpty()) {
                context.signalNoMoreSplits(subtask);
                return;
            }
            int pick = 0;
            for (int i = 0; i < remaining.size(); i++) {
                if (remaining.get(i).group() == subtask) {
                    pick = i;
                    break;
                }
            }
            context.assignSplit(remaining.remove(pick), subtask);
        }

        @Override
        public void addSplitsBack(List<OrderedSplit> splits, int subtask) {
            remaining.addAll(splits);
        }

        @Override
        public void addReader(int subtask) {}

        @Override
        public Collection<OrderedSplit> snapshotState(long checkpointId) {
            return new ArrayList<>(remaining);
        }

        @Override
        public void close() {}
    }

    /**
     * The unassigned splits. Version 1 is the format of Flink's {@code NumberSequenceSource}
     * checkpoints (a count, then version-1 splits), read for savepoints of the earlier source.
     */
    private static final class EnumeratorStateSerializer implements SimpleVersionedSerializer<Collection<OrderedSplit>> {
        private static final int VERSION = 2;

        @Override
        public int getVersion() {
            return VERSION;
        }

        @Override
        public byte[] serialize(Collection<OrderedSplit> splits) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(4 + 48 * splits.size());
            out.writeInt(splits.size());
            for (OrderedSplit split : splits) {
                OrderedSplit.Serializer.write(split, out);
            }
            return out.getCopyOfBuffer();
        }

        @Override
        public Collection<OrderedSplit> deserialize(int version, byte[] bytes) throws IOException {
            DataInputDeserializer in = new DataInputDeserializer(bytes);
            int count = in.readInt();
            List<OrderedSplit> splits = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                splits.add(OrderedSplit.Serializer.read(version, in));
            }
            return splits;
        }
    }

    /** Flink's rate-limited reader, passing watermark alignment's pauses on to the reader it wraps. */
    private static final class PausableRateLimitedReader<T> extends RateLimitedSourceReader<T, OrderedSplit> {
        private final OrderedReader<T> reader;

        PausableRateLimitedReader(OrderedReader<T> reader,
                org.apache.flink.api.connector.source.util.ratelimit.RateLimiter<OrderedSplit> limiter) {
            super(reader, limiter);
            this.reader = reader;
        }

        @Override
        public void pauseOrResumeSplits(Collection<String> toPause, Collection<String> toResume) {
            reader.pauseOrResumeSplits(toPause, toResume);
        }
    }
}
