package org.fedflink.data;

/**
 * One training example as it flows through the job.
 *
 * <p>Features are dense when {@code indices == null} ({@code values.length} is the dimension) and
 * sparse otherwise ({@code indices[i]} is the feature index of {@code values[i]}, strictly
 * increasing). The label is a class index (softmax), 0 or 1 (logistic) or a real value (linear).
 *
 * @param source the data source (client, silo, device) the example belongs to; the key of the job
 * @param timestamp event time in epoch milliseconds
 * @param label class index or target value
 * @param indices sparse feature indices, or {@code null} for dense features
 * @param values feature values
 */
public record Example(String source, long timestamp, double label, int[] indices, float[] values) {

    public boolean isDense() {
        return indices == null;
    }

    /** Number of stored feature values (the dimension for dense features, the non-zeros for sparse). */
    public int size() {
        return values.length;
    }

    /** The same example attributed to another source (used by the centralized learner). */
    public Example withSource(String newSource) {
        return new Example(newSource, timestamp, label, indices, values);
    }

    /** With the features' values (a record would show the arrays' identities), e.g. for a dead letter. */
    @Override
    public String toString() {
        return "Example[source=" + source + ", timestamp=" + timestamp + ", label=" + label
                + (indices == null ? "" : ", indices=" + java.util.Arrays.toString(indices))
                + ", values=" + java.util.Arrays.toString(values) + "]";
    }
}
