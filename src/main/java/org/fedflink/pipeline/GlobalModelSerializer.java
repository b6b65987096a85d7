package org.fedflink.pipeline;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link GlobalModel}s from the aggregators through the feedback loop to every trainer (and into
 * the trainers' operator state), the parameters (and control variate) in bulk: a model of a
 * million parameters is one 4 MB block, not a million single floats.
 *
 * <p>Format 2 opens with its number, negated ({@code -2}), where format 1 (read too, from the
 * trainers' operator state of older savepoints) opened with the shard index, which is never
 * negative; format 2 adds the count of global drifts at the end, format 3 the changed coordinates
 * of a piece that holds only those ({@link GlobalModel#changedIndices}).
 */
public final class GlobalModelSerializer extends BulkSerializer<GlobalModel> {
    private static final long serialVersionUID = 1L;
    /** The format written: with the changed coordinates. */
    private static final int FORMAT = 3;

    @Override
    public TypeSerializer<GlobalModel> duplicate() {
        return new GlobalModelSerializer();
    }

    @Override
    public void serialize(GlobalModel m, DataOutputView out) throws IOException {
        out.writeInt(-FORMAT);
        out.writeInt(m.shard());
        out.writeInt(m.shards());
        out.writeLong(m.version());
        writeFloats(m.params(), out);
        out.writeLong(m.samplesInModel());
        out.writeLong(m.sourcesInModel());
        out.writeLong(m.rounds());
        out.writeLong(m.createdMillis());
        out.writeInt(m.roundUpdates());
        out.writeInt(m.roundSources());
        out.writeLong(m.roundSamples());
        out.writeDouble(m.roundStaleness());
        out.writeDouble(m.prequentialLoss());
        out.writeDouble(m.prequentialAccuracy());
        out.writeDouble(m.windowPrequentialLoss());
        out.writeDouble(m.windowPrequentialAccuracy());
        out.writeBoolean(m.last());
        out.writeLong(m.roundsSkipped());
        out.writeLong(m.updatesRejected());
        out.writeLong(m.updatesTooStale());
        out.writeDouble(m.epsilon());
        out.writeDouble(m.dpDelta());
        writeFloats(m.control(), out);
        out.writeLong(m.globalDrifts());
        out.writeLong(m.changesFrom());
        writeInts(m.changedIndices(), out);
    }

    @Override
    public GlobalModel deserialize(DataInputView in) throws IOException {
        int first = in.readInt();
        // format 1 has no number: its first field is the shard index
        int format = first >= 0 ? 1 : -first;
        if (format < 1 || format > FORMAT) {
            throw new IOException("Unknown version of a global model: " + format + " (this build reads 1 to "
                    + FORMAT + ")");
        }
        int shard = format == 1 ? first : in.readInt();
        // arguments are evaluated in order: the fields as written
        return new GlobalModel(shard, in.readInt(), in.readLong(), readFloats(in), in.readLong(), in.readLong(),
                in.readLong(), in.readLong(), in.readInt(), in.readInt(), in.readLong(), in.readDouble(),
                in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), in.readBoolean(), in.readLong(),
                in.readLong(), in.readLong(), in.readDouble(), in.readDouble(), readFloats(in),
                format == 1 ? 0 : in.readLong(), format < 3 ? -1 : in.readLong(), format < 3 ? null : readInts(in));
    }

    @Override
    public TypeSerializerSnapshot<GlobalModel> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores this serializer (there is nothing to configure). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<GlobalModel> {
        public Snapshot() {
            super(GlobalModelSerializer::new);
        }
    }
}
