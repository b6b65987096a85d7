package org.fedflink.data;

import java.io.Serializable;

/**
 * A per-feature transformation applied to every example before training (and with the same
 * parameters at prediction time). {@link #apply} returns a new example and never mutates the input
 * arrays; a sparse result may share the input's (never modified) {@code indices} array.
 *
 * <p>Implementations are immutable, thread-safe and serializable, so one instance can be shipped
 * to every parallel reader.
 */
public interface FeatureScaler extends Serializable {

    /** The scaled copy of {@code example} (source, timestamp and label unchanged). */
    Example apply(Example example);

    /**
     * {@link #apply} for an example whose arrays nobody else holds (one just parsed): a scaler
     * may then write the scaled values over the input's instead of into a copy. The default
     * copies, as {@link #apply}.
     */
    default Example applyToOwned(Example example) {
        return apply(example);
    }

    /**
     * What this scaler makes of each byte value 0..255, when it maps every feature alike, so that
     * byte-valued inputs (IDX images) can travel as their bytes ({@link ByteValues}) and be decoded
     * scaled; null when the result depends on the feature.
     */
    default ByteValues.Scale byteScale() {
        return null;
    }

    /** No scaling: returns its argument itself. */
    static FeatureScaler none() {
        return None.INSTANCE;
    }

    /**
     * Divides every feature value by {@code divisor} (e.g. 255 to bring pixels into [0, 1]); keeps
     * zeros zero, so it suits dense and sparse examples alike.
     *
     * @throws IllegalArgumentException unless {@code divisor} is positive and finite
     */
    static FeatureScaler divideBy(double divisor) {
        return new DivideBy(divisor);
    }

    /** The identity. An enum, so deserialization keeps it a singleton. */
    enum None implements FeatureScaler {
        INSTANCE;

        @Override
        public Example apply(Example example) {
            return example;
        }

        @Override
        public ByteValues.Scale byteScale() {
            return ByteValues.Scale.divideBy(1);
        }
    }

    /** Every value divided by a constant, computed in double and rounded once to float. */
    record DivideBy(double divisor) implements FeatureScaler {

        public DivideBy {
            if (!(divisor > 0) || !Double.isFinite(divisor)) {
                throw new IllegalArgumentException("divisor must be positive and finite (got " + divisor + ")");
            }
        }

        @Override
        public Example apply(Example example) {
            float[] in = example.values();
            float[] out = new float[in.length];
            divide(in, out);
            return new Example(example.source(), example.timestamp(), example.label(), example.indices(), out);
        }

        /** Scales the values in place: no copy of an image's 784 floats per example. */
        @Override
        public Example applyToOwned(Example example) {
            if (example.bytes() != null) {
                // its values() is a fresh decoding each time: nothing to scale in place
                return apply(example);
            }
            divide(example.values(), example.values());
            return example;
        }

        @Override
        public ByteValues.Scale byteScale() {
            return ByteValues.Scale.divideBy(divisor);
        }

        private void divide(float[] in, float[] out) {
            for (int i = 0; i < in.length; i++) {
                out[i] = (float) (in[i] / divisor);
            }
        }
    }
}
