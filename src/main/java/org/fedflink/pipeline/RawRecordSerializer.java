package org.fedflink.pipeline;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;
import org.fedflink.data.Example;

/**
 * {@link RawRecord}s from a reader to ingest. Mostly they never leave the reader's task (ingest is
 * chained to it), where the point of this serializer is its {@link #copy}: the record is
 * immutable and handed on as it is, where the POJO serializer would deep-copy it, example
 * arrays included, once per record.
 */
public final class RawRecordSerializer extends BulkSerializer<RawRecord> {
    private static final long serialVersionUID = 1L;

    private final ExampleSerializer examples = new ExampleSerializer();

    @Override
    public TypeSerializer<RawRecord> duplicate() {
        return new RawRecordSerializer();
    }

    @Override
    public void serialize(RawRecord record, DataOutputView out) throws IOException {
        // StringValue writes null as its own marker: origin, text and reason may each be null
        StringValue.writeString(record.origin(), out);
        out.writeLong(record.position());
        StringValue.writeString(record.text(), out);
        out.writeBoolean(record.example() != null);
        if (record.example() != null) {
            examples.serialize(record.example(), out);
        }
        StringValue.writeString(record.reason(), out);
    }

    @Override
    public RawRecord deserialize(DataInputView in) throws IOException {
        String origin = StringValue.readString(in);
        long position = in.readLong();
        String text = StringValue.readString(in);
        Example example = in.readBoolean() ? examples.deserialize(in) : null;
        return new RawRecord(origin, position, text, example, StringValue.readString(in));
    }

    @Override
    public TypeSerializerSnapshot<RawRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores this serializer (there is nothing to configure). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RawRecord> {
        public Snapshot() {
            super(RawRecordSerializer::new);
        }
    }
}
