package org.fedflink.data;

/**
 * Where a trainer decodes the examples held as bytes ({@link Example#bytes()}) for their steps: one
 * buffer, made by the first such example and reused, so that decoding allocates nothing per example.
 * What {@link #values} returns is valid until the next call; an example's own float values are
 * returned as they are and never become the buffer. Not thread-safe (one per operator instance).
 */
public final class DecodeBuffer {
    private float[] buffer;

    /** The example's feature values: its own floats, or its bytes decoded into this buffer. */
    public float[] values(Example example) {
        ByteValues bytes = example.bytes();
        if (bytes == null) {
            return example.values();
        }
        if (buffer == null || buffer.length < bytes.length()) {
            buffer = new float[bytes.length()];
        }
        return bytes.decodeInto(buffer);
    }
}
