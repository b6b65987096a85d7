package org.fedflink.pipeline;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/** {@link LocalUpdate}s from the trainers to the aggregators, the delta (and control delta, and a sparse delta's
 * indices) in bulk. */
public final class LocalUpdateSerializer extends BulkSerializer<LocalUpdate> {
    private static final long serialVersionUID = 1L;

    @Override
    public TypeSerializer<LocalUpdate> duplicate() {
        return new LocalUpdateSerializer();
    }

    @Override
    public void serialize(LocalUpdate record, DataOutputView out) throws IOException {
        out.writeInt(record.shard());
        StringValue.writeString(record.source(), out);
        out.writeLong(record.baseVersion());
        out.writeLong(record.samples());
        out.writeDouble(record.lossSum());
        out.writeLong(record.correct());
        writeFloats(record.delta(), out);
        out.writeBoolean(record.endOfInput());
        out.writeInt(record.sender());
        writeFloats(record.controlDelta(), out);
        writeInts(record.deltaIndices(), out);
        writeFloats(record.exampleLosses(), out);
        writeLongs(record.exampleCorrect(), out);
    }

    @Override
    public LocalUpdate deserialize(DataInputView in) throws IOException {
        return new LocalUpdate(in.readInt(), StringValue.readString(in), in.readLong(), in.readLong(), in.readDouble(),
                in.readLong(), readFloats(in), in.readBoolean(), in.readInt(), readFloats(in), readInts(in),
                readFloats(in), readLongs(in));
    }

    @Override
    public TypeSerializerSnapshot<LocalUpdate> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores this serializer (there is nothing to configure). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<LocalUpdate> {
        public Snapshot() {
            super(LocalUpdateSerializer::new);
        }
    }
}
