package org.fedflink.io;

import java.io.IOException;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The part of a {@link RecordSequence} one reader reads: the positions in {@code [next, end)} whose
 * group is {@code group} of {@code groups} (all of them when {@code groups} is 1), in order.
 *
 * @param id the split's id, stable across checkpoints
 * @param group this split's group
 * @param groups how many groups the sequence is split into
 * @param next the next position to look at
 * @param end one past the last position
 */
public record OrderedSplit(String id, int group, int groups, long next, long end) implements SourceSplit {

    public OrderedSplit {
        if (groups < 1 || group < 0 || group >= groups) {
            throw new IllegalArgumentException("group " + group + " of " + groups);
        }
        if (next < 0 || next > end) {
            throw new IllegalArgumentException("positions [" + next + ", " + end + ")");
        }
    }

    /** Split {@code group} of {@code groups} over the whole sequence of {@code size} positions. */
    static OrderedSplit of(int group, int groups, long size) {
        return new OrderedSplit("group-" + group + "-of-" + groups, group, groups, 0, size);
    }

    @Override
    public String splitId() {
        return id;
    }

    /** This split, continuing at {@code position}. */
    OrderedSplit at(long position) {
        return new OrderedSplit(id, group, groups, position, end);
    }

    /**
     * Serializes splits. Version 1 is the split format of Flink's {@code NumberSequenceSource} (id,
     * from, to inclusive), which the examples source used before it was split by source: a savepoint of that
     * job restores as a split of one group over the remaining range, read in order.
     */
    static final class Serializer implements SimpleVersionedSerializer<OrderedSplit> {
        static final Serializer INSTANCE = new Serializer();
        private static final int LEGACY_RANGE = 1;
        private static final int VERSION = 2;

        @Override
        public int getVersion() {
            return VERSION;
        }

        @Override
        public byte[] serialize(OrderedSplit split) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(32 + split.id.length());
            write(split, out);
            return out.getCopyOfBuffer();
        }

        @Override
        public OrderedSplit deserialize(int version, byte[] bytes) throws IOException {
            return read(version, new DataInputDeserializer(bytes));
        }

        static void write(OrderedSplit split, DataOutputView out) throws IOException {
            out.writeUTF(split.id);
            out.writeInt(split.group);
            out.writeInt(split.groups);
            out.writeLong(split.next);
            out.writeLong(split.end);
        }

        static OrderedSplit read(int version, DataInputView in) throws IOException {
            switch (version) {
                case LEGACY_RANGE: {
                    String id = in.readUTF();
                    long from = in.readLong();
                    long toInclusive = in.readLong();
                    return new OrderedSplit(id, 0, 1, from, toInclusive + 1);
                }
                case VERSION:
                    return new OrderedSplit(in.readUTF(), in.readInt(), in.readInt(), in.readLong(), in.readLong());
                default:
                    throw new IOException("Unknown version of an ordered input split: " + version);
            }
        }
    }
}
