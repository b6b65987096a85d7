package org.fedflink.pipeline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Base of the hand-written serializers of the records that flow on the hot path (examples and
 * local updates). Flink's POJO serializer writes a {@code float[]} one element at a time (about
 * 4 ns per float); these write each array as one block of bytes through a reused buffer.
 *
 * <p>Records are immutable, so copies share them. An instance holds a scratch buffer and is not
 * thread-safe: {@link #duplicate()} returns a fresh one, as Flink requires of stateful serializers.
 * Arrays may be null (length {@code -1} on the wire).
 */
abstract class BulkSerializer<T> extends TypeSerializer<T> {
    private static final long serialVersionUID = 1L;

    private transient byte[] scratch;

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public T createInstance() {
        return null;
    }

    @Override
    public T copy(T from) {
        return from;
    }

    @Override
    public T copy(T from, T reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public T deserialize(T reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public boolean equals(Object obj) {
        return obj != null && obj.getClass() == getClass();
    }

    @Override
    public int hashCode() {
        return getClass().hashCode();
    }

    protected final void writeFloats(float[] values, DataOutputView out) throws IOException {
        if (values == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(values.length);
        byte[] bytes = scratch(values.length);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values);
        out.write(bytes, 0, values.length * Float.BYTES);
    }

    protected final float[] readFloats(DataInputView in) throws IOException {
        int length = length(in);
        if (length < 0) {
            return null;
        }
        byte[] bytes = scratch(length);
        in.readFully(bytes, 0, length * Float.BYTES);
        float[] values = new float[length];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values, 0, length);
        return values;
    }

    protected final void writeInts(int[] values, DataOutputView out) throws IOException {
        if (values == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(values.length);
        byte[] bytes = scratch(values.length);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(values);
        out.write(bytes, 0, values.length * Integer.BYTES);
    }

    protected final int[] readInts(DataInputView in) throws IOException {
        return readInts(in.readInt(), in);
    }

    /** {@link #readInts(DataInputView)} whose length the caller has read already. */
    protected final int[] readInts(int length, DataInputView in) throws IOException {
        checkLength(length);
        if (length < 0) {
            return null;
        }
        byte[] bytes = scratch(length);
        in.readFully(bytes, 0, length * Integer.BYTES);
        int[] values = new int[length];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(values, 0, length);
        return values;
    }

    /** A few longs (bit sets), one by one. */
    protected final void writeLongs(long[] values, DataOutputView out) throws IOException {
        if (values == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(values.length);
        for (long v : values) {
            out.writeLong(v);
        }
    }

    protected final long[] readLongs(DataInputView in) throws IOException {
        int length = length(in);
        if (length < 0) {
            return null;
        }
        long[] values = new long[length];
        for (int i = 0; i < length; i++) {
            values[i] = in.readLong();
        }
        return values;
    }

    /** A few doubles (a drift detector's state), one by one. */
    protected final void writeDoubles(double[] values, DataOutputView out) throws IOException {
        if (values == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(values.length);
        for (double v : values) {
            out.writeDouble(v);
        }
    }

    protected final double[] readDoubles(DataInputView in) throws IOException {
        int length = length(in);
        if (length < 0) {
            return null;
        }
        double[] values = new double[length];
        for (int i = 0; i < length; i++) {
            values[i] = in.readDouble();
        }
        return values;
    }

    private static int length(DataInputView in) throws IOException {
        return checkLength(in.readInt());
    }

    private static int checkLength(int length) throws IOException {
        if (length < -1) {
            throw new IOException("corrupt record: array length " + length);
        }
        return length;
    }

    /** A buffer of at least {@code elements} 4-byte values, grown by doubling and kept. */
    private byte[] scratch(int elements) {
        int bytes = elements * 4;
        if (scratch == null || scratch.length < bytes) {
            scratch = new byte[Math.max(bytes, scratch == null ? 1024 : scratch.length * 2)];
        }
        return scratch;
    }
}
