package org.fedflink.data;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Signed feature hashing of text ("the hashing trick"): a text becomes a sparse vector of
 * {@code 2^bits} dimensions without a vocabulary, so every source can hash its own text and the
 * models still agree on what each dimension means.
 *
 * <ol>
 *   <li><b>Words.</b> A word is a maximal run of Unicode letters, digits and combining marks; every
 *       other character (spaces, punctuation, symbols, emoji, '_', apostrophes) separates words.
 *       Marks are part of words so that decomposed accents and scripts that write vowels as marks
 *       (Devanagari, Thai, ...) are not cut into pieces. Scripts written without spaces (Chinese,
 *       Japanese) give one word per run.
 *   <li><b>Lower-casing</b> ({@link TextHashing#lowercase()}): each word with
 *       {@code String.toLowerCase(Locale.ROOT)}, so the result does not depend on the JVM's locale.
 *   <li><b>N-grams.</b> For {@code n = 1 .. ngrams}, every run of {@code n} consecutive words joined
 *       with one space ({@code "new york"}).
 *   <li><b>Hashing.</b> {@code h = MurmurHash3_x86_32(utf8(ngram), seed 0)} as a signed int; the
 *       index is {@code h & (2^bits - 1)} (the low bits) and the sign is {@code -1} when {@code h < 0}
 *       (bit 31, independent of the index bits because bits <= 30). The sign makes colliding
 *       n-grams cancel in expectation instead of piling up, keeping inner products unbiased.
 *   <li><b>Counting.</b> Signed counts of n-grams with the same index are summed; indices whose sum
 *       is 0 are dropped.
 *   <li><b>L2 normalisation.</b> The vector is divided by its Euclidean norm, so long and short texts
 *       give features of the same scale (and a learning rate that suits one suits the other). A
 *       text without words gives the empty vector (all features zero).
 * </ol>
 *
 * <p>Reproducible outside the job, e.g. in Python: {@code h = mmh3.hash(ngram.encode(), 0)},
 * {@code index = h & (2**bits - 1)}, {@code sign = -1 if h < 0 else 1}.
 *
 * <p>Immutable, thread-safe (all scratch is per call) and serializable.
 */
public final class FeatureHasher implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The MurmurHash3 seed; fixed, as it is part of the meaning of every hashed dimension. */
    static final int SEED = 0;

    private final TextHashing config;
    private final int mask;

    public FeatureHasher(TextHashing config) {
        if (config == null) {
            throw new IllegalArgumentException("hashing config is required");
        }
        this.config = config;
        this.mask = config.dimension() - 1;
    }

    public TextHashing config() {
        return config;
    }

    /** The number of hashed dimensions, {@code 2^bits}. */
    public int dimension() {
        return config.dimension();
    }

    /**
     * The L2-normalised signed n-gram counts of {@code text}: indices sorted, unique and in
     * {@code [0, 2^bits)}; no zero values. Empty when the text has no words.
     */
    public SparseVector hash(CharSequence text) {
        // 1. words, lower-cased and UTF-8 encoded, laid out as "w1 w2 w3" in one buffer so that
        //    every n-gram is a contiguous slice of it and needs no copy; ASCII is scanned, folded
        //    and copied in one pass, a word with other characters goes through String
        int length = text.length();
        boolean lowercase = config.lowercase();
        byte[] buf = new byte[Math.max(16, length + 8)];
        int[] starts = new int[16];
        int[] ends = new int[16];
        int words = 0;
        int pos = 0;
        int i = 0;
        while (i < length) {
            char c = text.charAt(i);
            if (c < 0x80 ? !ASCII_WORD[c] : !isWordChar(Character.codePointAt(text, i))) {
                i += c < 0x80 ? 1 : Character.charCount(Character.codePointAt(text, i));
                continue;
            }
            if (words == starts.length) {
                starts = Arrays.copyOf(starts, words * 2);
                ends = Arrays.copyOf(ends, words * 2);
            }
            // room for a space and the rest of the text as ASCII; the String path makes its own
            buf = ensure(buf, pos + 1 + (length - i));
            if (words > 0) {
                buf[pos++] = ' ';
            }
            int wordStart = pos;
            int start = i;
            while (i < length && (c = text.charAt(i)) < 0x80 && ASCII_WORD[c]) {
                buf[pos++] = lowercase ? ASCII_LOWER[c] : (byte) c;
                i++;
            }
            if (i < length && c >= 0x80 && isWordChar(Character.codePointAt(text, i))) {
                // the word goes on past ASCII: take all of it again as a String
                while (i < length) {
                    int cp = Character.codePointAt(text, i);
                    if (!isWordChar(cp)) {
                        break;
                    }
                    i += Character.charCount(cp);
                }
                String word = text.subSequence(start, i).toString();
                if (lowercase) {
                    word = word.toLowerCase(Locale.ROOT);
                }
                byte[] utf8 = word.getBytes(StandardCharsets.UTF_8);
                pos = wordStart;
                buf = ensure(buf, pos + utf8.length);
                System.arraycopy(utf8, 0, buf, pos, utf8.length);
                pos += utf8.length;
            }
            starts[words] = wordStart;
            ends[words++] = pos;
        }
        if (words == 0) {
            return new SparseVector(new int[0], new float[0]);
        }

        // 2. one key per n-gram: index in the high bits, sign in bit 0, so sorting groups them
        //    (an int: an index has at most 30 bits)
        int maxN = Math.min(config.ngrams(), words);
        int count = 0;
        for (int n = 1; n <= maxN; n++) {
            count += words - n + 1;
        }
        int[] keys = new int[count];
        int k = 0;
        for (int n = 1; n <= maxN; n++) {
            for (int w = 0; w + n <= words; w++) {
                int from = starts[w];
                int h = Murmur3.hash32(buf, from, ends[w + n - 1] - from, SEED);
                keys[k++] = ((h & mask) << 1) | (h >>> 31);
            }
        }
        Arrays.sort(keys);

        // 3. sum signed counts per index, drop zeros, normalise
        int[] indices = new int[count];
        float[] values = new float[count];
        int m = 0;
        double squares = 0;
        for (int a = 0; a < count; ) {
            int index = keys[a] >>> 1;
            int sum = 0;
            while (a < count && keys[a] >>> 1 == index) {
                sum += (keys[a] & 1) == 0 ? 1 : -1;
                a++;
            }
            if (sum != 0) {
                indices[m] = index;
                values[m++] = sum;
                squares += (double) sum * sum;
            }
        }
        double norm = Math.sqrt(squares);
        for (int j = 0; j < m; j++) {
            values[j] = (float) (values[j] / norm);
        }
        return new SparseVector(
                m == count ? indices : Arrays.copyOf(indices, m), m == count ? values : Arrays.copyOf(values, m));
    }

    /** Which ASCII characters make words: letters and digits. */
    private static final boolean[] ASCII_WORD = new boolean[128];
    /** Each ASCII character lower-cased (A-Z only, as {@code toLowerCase(Locale.ROOT)} does). */
    private static final byte[] ASCII_LOWER = new byte[128];

    static {
        for (char c = 0; c < 128; c++) {
            ASCII_WORD[c] = isWordChar(c);
            ASCII_LOWER[c] = (byte) (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
        }
    }

    /** Letters, digits and combining marks make words; everything else separates them. */
    static boolean isWordChar(int cp) {
        if (cp < 0x80) {
            return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
        }
        if (Character.isLetterOrDigit(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK
                || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    private static byte[] ensure(byte[] buf, int needed) {
        return needed <= buf.length ? buf : Arrays.copyOf(buf, Math.max(needed, buf.length * 2));
    }

    @Override
    public String toString() {
        return "FeatureHasher" + config;
    }
}
