package org.fedflink.data;

/**
 * One training example as it flows through the job.
 *
 * <p>Features are dense when {@code indices == null} ({@code values.length} is the dimension) and
 * sparse otherwise ({@code indices[i]} is the feature index of {@code values[i]}, strictly
 * increasing). The label is a class index (softmax), 0 or 1 (logistic) or a real value (linear).
 *
 * <p>Dense features may instead be held one byte each ({@code bytes}, an image's pixels), which is
 * a quarter of the bytes to move between tasks; {@link #values()} then decodes them into a fresh
 * array, and a trainer decodes them into a buffer of its own ({@link DecodeBuffer}).
 *
 * @param source the data source (client, silo, device) the example belongs to; the key of the job
 * @param timestamp event time in epoch milliseconds
 * @param label class index or target value
 * @param indices sparse feature indices, or {@code null} for dense features
 * @param values feature values, or {@code null} when {@code bytes} holds them
 * @param bytes dense feature values held one byte each, or {@code null}
 */
public record Example(String source, long timestamp, double label, int[] indices, float[] values, ByteValues bytes) {

    public Example {
        if (bytes != null && (values != null || indices != null)) {
            throw new IllegalArgumentException("an example's byte values are its only feature values");
        }
    }

    /** An example with its feature values as floats. */
    public Example(String source, long timestamp, double label, int[] indices, float[] values) {
        this(source, timestamp, label, indices, values, null);
    }

    /** A dense example whose feature values are held one byte each. */
    public static Example ofBytes(String source, long timestamp, double label, ByteValues bytes) {
        return new Example(source, timestamp, label, null, null, bytes);
    }

    /** The feature values; byte values decoded into a fresh array (null when there are none). */
    @Override
    public float[] values() {
        return values != null || bytes == null ? values : bytes.decode();
    }

    public boolean isDense() {
        return indices == null;
    }

    /** Number of stored feature values (the dimension for dense features, the non-zeros for sparse). */
    public int size() {
        return values != null || bytes == null ? values.length : bytes.length();
    }

    /** The same example attributed to another source (used by the centralized learner). */
    public Example withSource(String newSource) {
        return new Example(newSource, timestamp, label, indices, values, bytes);
    }

    /** The same features and label from {@code newSource} at {@code newTimestamp}. */
    public Example at(String newSource, long newTimestamp) {
        return new Example(newSource, newTimestamp, label, indices, values, bytes);
    }

    /** With the features' values (a record would show the arrays' identities), e.g. for a dead letter. */
    @Override
    public String toString() {
        return "Example[source=" + source + ", timestamp=" + timestamp + ", label=" + label
                + (indices == null ? "" : ", indices=" + java.util.Arrays.toString(indices))
                + ", values=" + java.util.Arrays.toString(values()) + "]";
    }
}
