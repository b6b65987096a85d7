package org.fedflink.data;

import java.util.Arrays;

/**
 * Dense feature values held one byte each, as an image's pixels are: value {@code i} is {@code
 * (codes[i] & 0xff) / divisor}, computed in double and rounded once to float — bit for bit what
 * {@link FeatureScaler#divideBy} makes of a byte value. An image travels as its 784 bytes instead
 * of 3 KB of floats, and whoever trains on it decodes it into a buffer of its own (logistic
 * Fashion-MNIST, whose one reader was the limit, BENCHMARKS.md).
 *
 * @param codes the bytes, one per feature; owned by this value, never modified
 * @param scale what each byte value stands for
 */
public record ByteValues(byte[] codes, Scale scale) {

    public ByteValues {
        if (codes == null || scale == null) {
            throw new IllegalArgumentException("byte values need their codes and their scale");
        }
    }

    /** Number of features. */
    public int length() {
        return codes.length;
    }

    /** The values as floats, in a fresh array. */
    public float[] decode() {
        return decodeInto(new float[codes.length]);
    }

    /** The values as floats, written into {@code out} (at least {@link #length()} long); returns {@code out}. */
    public float[] decodeInto(float[] out) {
        float[] table = scale.table;
        byte[] c = codes;
        for (int i = 0; i < c.length; i++) {
            out[i] = table[c[i] & 0xff];
        }
        return out;
    }

    @Override
    public String toString() {
        return "ByteValues[" + Arrays.toString(decode()) + "]";
    }

    /** What byte value {@code b} stands for: {@code b / divisor}, rounded once to float. Immutable; share it. */
    public static final class Scale {
        private final double divisor;
        private final float[] table;

        private Scale(double divisor) {
            if (!(divisor > 0) || !Double.isFinite(divisor)) {
                throw new IllegalArgumentException("divisor must be positive and finite (got " + divisor + ")");
            }
            this.divisor = divisor;
            this.table = new float[256];
            for (int b = 0; b < table.length; b++) {
                table[b] = (float) (b / divisor);
            }
        }

        /** Byte value {@code b} stands for {@code b / divisor}; every value is then finite. */
        public static Scale divideBy(double divisor) {
            return new Scale(divisor);
        }

        public double divisor() {
            return divisor;
        }

        @Override
        public boolean equals(Object obj) {
            return obj instanceof Scale other && Double.compare(other.divisor, divisor) == 0;
        }

        @Override
        public int hashCode() {
            return Double.hashCode(divisor);
        }

        @Override
        public String toString() {
            return "divide by " + divisor;
        }
    }
}
