package org.fedflink.data;

/**
 * A sparse vector: {@code values[i]} is the value at {@code indices[i]}; indices strictly
 * increasing. The arrays are owned by the vector's creator and handed over, not copied.
 */
public record SparseVector(int[] indices, float[] values) {

    public SparseVector {
        if (indices == null || values == null || indices.length != values.length) {
            throw new IllegalArgumentException("indices and values must be non-null and of equal length");
        }
    }

    /** Number of stored (non-zero) entries. */
    public int size() {
        return indices.length;
    }
}
