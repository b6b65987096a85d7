package org.fedflink.data;

import java.io.Serializable;

/**
 * How {@link FeatureHasher} turns text into sparse features: {@code 2^bits} hashed dimensions,
 * word n-grams of 1 to {@code ngrams} words, optionally lower-cased first.
 *
 * <p>The default is unigrams ({@link #of}): the common baseline (scikit-learn's
 * {@code HashingVectorizer} and Vowpal Wabbit default to it too); bigrams help with short phrases
 * ("not good") at the cost of twice the tokens per row, so they are opt-in.
 *
 * @param bits log2 of the dimension, in [1, 30] (so the dimension fits an int index and the sign
 *     bit of the hash stays independent of the index bits)
 * @param ngrams the longest word n-gram, >= 1 (1 = single words)
 * @param lowercase whether words are lower-cased (Locale.ROOT) before hashing
 */
public record TextHashing(int bits, int ngrams, boolean lowercase) implements Serializable {

    public static final int MIN_BITS = 1;
    public static final int MAX_BITS = 30;

    public TextHashing {
        if (bits < MIN_BITS || bits > MAX_BITS) {
            throw new IllegalArgumentException(
                    "hashing bits must be in [" + MIN_BITS + ", " + MAX_BITS + "], got " + bits);
        }
        if (ngrams < 1) {
            throw new IllegalArgumentException("hashing ngrams must be >= 1, got " + ngrams);
        }
    }

    /** Unigrams, lower-cased. */
    public static TextHashing of(int bits) {
        return new TextHashing(bits, 1, true);
    }

    /** The number of hashed dimensions, {@code 2^bits}; {@link FormatOptions#features()} must equal it. */
    public int dimension() {
        return 1 << bits;
    }
}
