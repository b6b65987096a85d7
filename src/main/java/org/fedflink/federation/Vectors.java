package org.fedflink.federation;

/** Small vector helpers shared by the strategies (double accumulation over float vectors). */
public final class Vectors {
    private Vectors() {}

    /**
     * The dense vector of {@code length} that is {@code values[i]} at {@code indices[i]} and zero
     * elsewhere.
     *
     * @throws IllegalArgumentException if the arrays differ in length or an index lies outside
     *     {@code [0, length)}
     */
    public static float[] scatter(int length, int[] indices, float[] values) {
        checkSparse(length, indices, values);
        float[] dense = new float[length];
        for (int i = 0; i < indices.length; i++) {
            dense[indices[i]] = values[i];
        }
        return dense;
    }

    /** The entries of {@code v} at {@code indices}, in their order. */
    static float[] gather(float[] v, int[] indices) {
        float[] out = new float[indices.length];
        for (int k = 0; k < indices.length; k++) {
            out[k] = v[indices[k]];
        }
        return out;
    }

    /** Checks a sparse vector of {@code length}: as {@link #scatter}, without building it. */
    static void checkSparse(int length, int[] indices, float[] values) {
        if (indices == null || values == null) {
            throw new IllegalArgumentException("a sparse delta needs indices and values");
        }
        if (indices.length != values.length) {
            throw new IllegalArgumentException("a sparse delta has " + indices.length + " indices but "
                    + values.length + " values");
        }
        for (int index : indices) {
            if (index < 0 || index >= length) {
                throw new IllegalArgumentException("sparse delta index " + index + " outside the shard's "
                        + length + " parameters");
            }
        }
    }

    /** Whether every entry is a finite number (no NaN, no infinity). */
    static boolean allFinite(float[] v) {
        for (float x : v) {
            if (!Float.isFinite(x)) {
                return false;
            }
        }
        return true;
    }

    /** The Euclidean norm, accumulated in double. */
    static double l2Norm(float[] v) {
        double sumSq = 0;
        for (float x : v) {
            sumSq += (double) x * x;
        }
        return Math.sqrt(sumSq);
    }

    /**
     * The factor {@code min(1, maxNorm / norm)} that scales a vector of L2 norm {@code norm} to a
     * norm of at most {@code maxNorm} (the "flat clipping" of McMahan et al. 2018). A vector within
     * the bound is left as it is.
     */
    static double clipFactor(double norm, double maxNorm) {
        return norm > maxNorm ? maxNorm / norm : 1.0;
    }

    /** Squared Euclidean distance, accumulated in double. */
    static double squaredDistance(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }

    /** {@code global += step} in double, stored as float. */
    static void addTo(float[] global, double[] step) {
        for (int i = 0; i < global.length; i++) {
            global[i] = (float) (global[i] + step[i]);
        }
    }

    static String emptyRoundMessage(int rejected) {
        return "cannot apply an empty round: no updates were added"
                + (rejected > 0 ? " (" + rejected + " rejected as non-finite)" : "");
    }

    /** Checks the server state the caller passes to {@code apply}: the strategy's, for this shard. */
    static void checkState(float[] state, int expected) {
        if (state == null) {
            throw new IllegalArgumentException("serverState is required (length " + expected + "), got null");
        }
        if (state.length != expected) {
            throw new IllegalArgumentException(
                    "serverState has length " + state.length + " but " + expected + " is required");
        }
    }
}
