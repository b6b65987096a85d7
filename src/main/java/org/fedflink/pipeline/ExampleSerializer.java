package org.fedflink.pipeline;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;
import org.fedflink.data.Example;

/** {@link Example}s between ingest and the trainers: source, time, label, then the feature arrays in bulk. */
public final class ExampleSerializer extends BulkSerializer<Example> {
    private static final long serialVersionUID = 1L;

    @Override
    public TypeSerializer<Example> duplicate() {
        return new ExampleSerializer();
    }

    @Override
    public void serialize(Example record, DataOutputView out) throws IOException {
        StringValue.writeString(record.source(), out);
        out.writeLong(record.timestamp());
        out.writeDouble(record.label());
        writeInts(record.indices(), out);
        writeFloats(record.values(), out);
    }

    @Override
    public Example deserialize(DataInputView in) throws IOException {
        return new Example(StringValue.readString(in), in.readLong(), in.readDouble(), readInts(in), readFloats(in));
    }

    @Override
    public TypeSerializerSnapshot<Example> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores this serializer (there is nothing to configure). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Example> {
        public Snapshot() {
            super(ExampleSerializer::new);
        }
    }
}
