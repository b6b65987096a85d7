package org.fedflink.pipeline;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;
import org.fedflink.data.ByteValues;
import org.fedflink.data.Example;

/**
 * {@link Example}s between ingest and the trainers: source, time, label, then the feature arrays in
 * bulk — or, for byte values, a marker, their scale's divisor and the bytes.
 */
public final class ExampleSerializer extends BulkSerializer<Example> {
    private static final long serialVersionUID = 1L;
    /** In place of the indices' length: byte values follow. */
    private static final int BYTE_VALUES = -2;

    /** The scale last read, for the next example (every byte example of an input shares one). */
    private transient ByteValues.Scale lastScale;

    @Override
    public TypeSerializer<Example> duplicate() {
        return new ExampleSerializer();
    }

    @Override
    public void serialize(Example record, DataOutputView out) throws IOException {
        StringValue.writeString(record.source(), out);
        out.writeLong(record.timestamp());
        out.writeDouble(record.label());
        ByteValues bytes = record.bytes();
        if (bytes != null) {
            out.writeInt(BYTE_VALUES);
            out.writeDouble(bytes.scale().divisor());
            out.writeInt(bytes.length());
            out.write(bytes.codes());
            return;
        }
        writeInts(record.indices(), out);
        writeFloats(record.values(), out);
    }

    @Override
    public Example deserialize(DataInputView in) throws IOException {
        String source = StringValue.readString(in);
        long timestamp = in.readLong();
        double label = in.readDouble();
        int indicesLength = in.readInt();
        if (indicesLength == BYTE_VALUES) {
            double divisor = in.readDouble();
            if (lastScale == null || lastScale.divisor() != divisor) {
                lastScale = ByteValues.Scale.divideBy(divisor);
            }
            byte[] codes = new byte[in.readInt()];
            in.readFully(codes);
            return Example.ofBytes(source, timestamp, label, new ByteValues(codes, lastScale));
        }
        return new Example(source, timestamp, label, readInts(indicesLength, in), readFloats(in));
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
