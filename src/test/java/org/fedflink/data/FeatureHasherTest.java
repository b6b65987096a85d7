package org.fedflink.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FeatureHasherTest {

    /**
     * Reference values of MurmurHash3_x86_32: the vectors published with the algorithm's
     * descriptions (Wikipedia's "MurmurHash" test vectors with seed 0x9747b28c; "hello" and "abc"
     * with seed 0 as Python's mmh3 gives them), all cross-checked against Guava's
     * {@code Hashing.murmur3_32_fixed}.
     */
    @ParameterizedTest
    @CsvSource({
        "'', 0x00000000, 0x00000000",
        "'', 0x00000001, 0x514e28b7",
        "'', 0xffffffff, 0x81f16f39",
        "hello, 0x00000000, 0x248bfa47",
        "abc, 0x00000000, 0xb3dd93fa",
        "aaaa, 0x9747b28c, 0x5a97808a",
        "'Hello, world!', 0x9747b28c, 0x24884cba",
        "The quick brown fox jumps over the lazy dog, 0x9747b28c, 0x2fa826cd",
    })
    void murmur3_knownVectors(String text, String seed, String expected) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int s = Integer.parseUnsignedInt(seed.substring(2), 16);
        assertThat(Murmur3.hash32(bytes, 0, bytes.length, s))
                .isEqualTo(Integer.parseUnsignedInt(expected.substring(2), 16));
    }

    @Test
    void murmur3_slice_sameAsCopy() {
        byte[] framed = "xxhelloyy".getBytes(StandardCharsets.UTF_8);
        assertThat(Murmur3.hash32(framed, 2, 5, 0)).isEqualTo(0x248bfa47);
        // every tail length (0..3 bytes after the 4-byte blocks)
        byte[] all = "abcdefghij".getBytes(StandardCharsets.UTF_8);
        for (int len = 0; len <= 7; len++) {
            byte[] copy = Arrays.copyOfRange(all, 3, 3 + len);
            assertThat(Murmur3.hash32(all, 3, len, 42)).isEqualTo(Murmur3.hash32(copy, 0, len, 42));
        }
    }

    @Test
    void hash_singleWord_indexFromLowBitsSignFromTopBit() {
        FeatureHasher hasher = new FeatureHasher(TextHashing.of(10));
        // murmur3("hello") = 0x248bfa47: bit 31 clear (+1), low 10 bits 0x247 = 583
        SparseVector hello = hasher.hash("hello");
        assertThat(hello.indices()).containsExactly(583);
        assertThat(hello.values()).containsExactly(1f);
        // murmur3("ab") = 0x9bbfd75f: bit 31 set (-1), low 10 bits 0x35f = 863
        SparseVector ab = hasher.hash("ab");
        assertThat(ab.indices()).containsExactly(863);
        assertThat(ab.values()).containsExactly(-1f);
    }

    @Test
    void hash_sameText_sameVector_acrossInstancesAndSerialization() throws Exception {
        TextHashing config = new TextHashing(18, 2, true);
        String text = "The cat sat on the mat; the CAT sat again!";
        SparseVector a = new FeatureHasher(config).hash(text);
        FeatureHasher copy = roundTrip(new FeatureHasher(config));
        SparseVector b = copy.hash(text);
        assertThat(b.indices()).containsExactly(a.indices());
        assertThat(b.values()).containsExactly(a.values());
        assertThat(copy.config()).isEqualTo(config);
    }

    @Test
    void hash_concurrentCallers_sameResults() {
        FeatureHasher hasher = new FeatureHasher(new TextHashing(12, 3, true));
        List<String> texts = IntStream.range(0, 200).mapToObj(i -> randomText(new Random(i), 30)).toList();
        List<SparseVector> sequential = texts.stream().map(hasher::hash).toList();
        List<SparseVector> parallel = texts.parallelStream().map(hasher::hash).toList();
        for (int i = 0; i < texts.size(); i++) {
            assertThat(parallel.get(i).indices()).containsExactly(sequential.get(i).indices());
            assertThat(parallel.get(i).values()).containsExactly(sequential.get(i).values());
        }
    }

    @Test
    void hash_separatorsAndCase_ignored() {
        FeatureHasher hasher = new FeatureHasher(TextHashing.of(20));
        SparseVector plain = hasher.hash("hello world");
        for (String variant : List.of("Hello, WORLD!", "  hello\t\tworld  ", "hello_world", "«hello»—world…", "hello🙂world")) {
            SparseVector v = hasher.hash(variant);
            assertThat(v.indices()).as(variant).containsExactly(plain.indices());
            assertThat(v.values()).as(variant).containsExactly(plain.values());
        }
        // an apostrophe separates too: "don't" is "don" and "t"
        assertThat(hasher.hash("don't").indices()).containsExactly(hasher.hash("don t").indices());
    }

    @Test
    void hash_lowercaseOff_caseMatters() {
        FeatureHasher hasher = new FeatureHasher(new TextHashing(20, 1, false));
        assertThat(hasher.hash("Hello").indices()).isNotEqualTo(hasher.hash("hello").indices());
        assertThat(hasher.hash("hello").indices()).containsExactly(new FeatureHasher(TextHashing.of(20))
                .hash("HELLO").indices());
    }

    @Test
    void hash_nonAscii_lowercasedWithRootLocaleAndHashedAsUtf8() {
        int bits = 20;
        FeatureHasher hasher = new FeatureHasher(TextHashing.of(bits));
        assertThat(hasher.hash("ÉTÉ").indices()).containsExactly(expectedIndex("été", bits));
        // Locale.ROOT: dotted capital I becomes "i" + combining dot above, whatever the JVM locale
        assertThat(hasher.hash("İstanbul").indices()).containsExactly(expectedIndex("i\u0307stanbul", bits));
        // combining marks stay inside words: a Devanagari word and a decomposed accent are one word each
        assertThat(hasher.hash("हिन्दी").size()).isEqualTo(1);
        assertThat(hasher.hash("cafe\u0301").indices()).containsExactly(expectedIndex("cafe\u0301", bits));
    }

    @Test
    void hash_repeatedWords_countedThenNormalised() {
        FeatureHasher hasher = new FeatureHasher(TextHashing.of(20));
        SparseVector v = hasher.hash("spam spam spam eggs");
        assertThat(v.size()).isEqualTo(2);
        float spam = valueAt(v, expectedIndex("spam", 20));
        float eggs = valueAt(v, expectedIndex("eggs", 20));
        assertThat(Math.abs(spam)).isCloseTo((float) (3 / Math.sqrt(10)), within(1e-6f));
        assertThat(Math.abs(eggs)).isCloseTo((float) (1 / Math.sqrt(10)), within(1e-6f));
        assertThat(Math.signum(spam)).isEqualTo(expectedSign("spam"));
        assertThat(Math.signum(eggs)).isEqualTo(expectedSign("eggs"));
    }

    @Test
    void hash_collisions_signedCountsSummed() {
        int bits = 3;
        FeatureHasher hasher = new FeatureHasher(TextHashing.of(bits));
        // find (deterministically) two words on the same index with the same sign, two with opposite signs
        String[] sameSign = null;
        String[] opposite = null;
        for (int i = 0; (sameSign == null || opposite == null) && i < 100; i++) {
            for (int j = 0; j < i; j++) {
                String a = "w" + i;
                String b = "w" + j;
                if (expectedIndex(a, bits) != expectedIndex(b, bits)) {
                    continue;
                }
                if (expectedSign(a) == expectedSign(b)) {
                    sameSign = sameSign == null ? new String[] {a, b} : sameSign;
                } else {
                    opposite = opposite == null ? new String[] {a, b} : opposite;
                }
            }
        }
        assertThat(sameSign).isNotNull();
        assertThat(opposite).isNotNull();
        SparseVector same = hasher.hash(sameSign[0] + " " + sameSign[1]);
        assertThat(same.indices()).containsExactly(expectedIndex(sameSign[0], bits));
        assertThat(same.values()).containsExactly(expectedSign(sameSign[0])); // 2 * sign, normalised
        // +1 and -1 cancel: the index is dropped, not kept as an explicit zero
        assertThat(hasher.hash(opposite[0] + " " + opposite[1]).size()).isZero();
    }

    @Test
    void hash_ngrams_allLengthsUpToN_joinedWithOneSpace() {
        int bits = 24;
        FeatureHasher bigrams = new FeatureHasher(new TextHashing(bits, 2, true));
        SparseVector v = bigrams.hash("New  York, city");
        TreeSet<Integer> expected = new TreeSet<>();
        for (String g : List.of("new", "york", "city", "new york", "york city")) {
            expected.add(expectedIndex(g, bits));
        }
        assertThat(expected).hasSize(5); // no collision at 2^24, so the test below is exact
        assertThat(v.indices()).containsExactly(expected.stream().mapToInt(Integer::intValue).toArray());
        for (float value : v.values()) {
            assertThat(Math.abs(value)).isCloseTo((float) (1 / Math.sqrt(5)), within(1e-6f));
        }
        // n-grams longer than the text do not exist
        FeatureHasher fivegrams = new FeatureHasher(new TextHashing(bits, 5, true));
        assertThat(fivegrams.hash("new york").indices()).containsExactly(
                new TreeSet<>(List.of(expectedIndex("new", bits), expectedIndex("york", bits),
                        expectedIndex("new york", bits))).stream().mapToInt(Integer::intValue).toArray());
    }

    @Test
    void hash_randomTexts_sortedUniqueInRangeUnitNorm() {
        Random random = new Random(7);
        for (int bits : new int[] {1, 4, 10, 30}) {
            FeatureHasher hasher = new FeatureHasher(new TextHashing(bits, 3, true));
            for (int t = 0; t < 200; t++) {
                SparseVector v = hasher.hash(randomText(random, 1 + random.nextInt(60)));
                int prev = -1;
                double squares = 0;
                for (int i = 0; i < v.size(); i++) {
                    assertThat(v.indices()[i]).isGreaterThan(prev).isLessThan(1 << bits);
                    assertThat(v.values()[i]).isNotZero();
                    prev = v.indices()[i];
                    squares += v.values()[i] * v.values()[i];
                }
                if (v.size() > 0) {
                    assertThat(squares).isCloseTo(1.0, within(1e-5));
                }
            }
        }
    }

    /**
     * The hasher against the documented procedure written the plain way (code points, Strings, a
     * sorted map), on random texts that mix ASCII words and separators with accented, combining,
     * CJK and surrogate-pair characters: the same indices and values, bit for bit.
     */
    @Test
    void hash_randomTexts_sameAsThePlainProcedure() {
        String[] pieces = {"the", "Cat", "SAT", "x", "42", "a1B2", "don't", "e-mail", "naïve", "ÉTÉ", "Straße",
            "e\u0301t\u00e9", "हिन्दी", "日本語", "𝔘𝔫𝔦", "🙂", "_", " ", "  ", ", ", ".", "\t", "\n", "(", "ǅ", "İ"};
        Random random = new Random(11);
        for (int bits : new int[] {1, 6, 20, 30}) {
            for (int ngrams = 1; ngrams <= 3; ngrams++) {
                for (boolean lowercase : new boolean[] {true, false}) {
                    FeatureHasher hasher = new FeatureHasher(new TextHashing(bits, ngrams, lowercase));
                    for (int t = 0; t < 100; t++) {
                        StringBuilder text = new StringBuilder();
                        for (int p = random.nextInt(80); p > 0; p--) {
                            text.append(pieces[random.nextInt(pieces.length)]);
                        }
                        SparseVector expected = plainHash(text.toString(), bits, ngrams, lowercase);
                        SparseVector actual = hasher.hash(text);
                        assertThat(actual.indices()).as("%s", text).isEqualTo(expected.indices());
                        assertThat(actual.values()).as("%s", text).isEqualTo(expected.values());
                    }
                }
            }
        }
    }

    /** The class comment's procedure, step by step, with no regard for speed. */
    private static SparseVector plainHash(String text, int bits, int ngrams, boolean lowercase) {
        List<String> words = new java.util.ArrayList<>();
        StringBuilder word = new StringBuilder();
        text.codePoints().forEach(cp -> {
            if (FeatureHasher.isWordChar(cp)) {
                word.appendCodePoint(cp);
            } else if (word.length() > 0) {
                words.add(word.toString());
                word.setLength(0);
            }
        });
        if (word.length() > 0) {
            words.add(word.toString());
        }
        java.util.TreeMap<Integer, Integer> counts = new java.util.TreeMap<>();
        for (int n = 1; n <= ngrams; n++) {
            for (int w = 0; w + n <= words.size(); w++) {
                String ngram = String.join(" ", words.subList(w, w + n));
                if (lowercase) {
                    ngram = ngram.toLowerCase(java.util.Locale.ROOT);
                }
                byte[] utf8 = ngram.getBytes(StandardCharsets.UTF_8);
                int h = Murmur3.hash32(utf8, 0, utf8.length, 0);
                counts.merge(h & (int) ((1L << bits) - 1), h < 0 ? -1 : 1, Integer::sum);
            }
        }
        counts.values().removeIf(c -> c == 0);
        double norm = Math.sqrt(counts.values().stream().mapToDouble(c -> (double) c * c).sum());
        int[] indices = counts.keySet().stream().mapToInt(Integer::intValue).toArray();
        float[] values = new float[indices.length];
        int i = 0;
        for (int c : counts.values()) {
            values[i++] = (float) (c / norm);
        }
        return new SparseVector(indices, values);
    }

    @Test
    void hash_noWords_emptyVector() {
        FeatureHasher hasher = new FeatureHasher(TextHashing.of(8));
        for (String text : List.of("", "   ", "!!! ... ???", "🙂🙂")) {
            assertThat(hasher.hash(text).size()).as(text).isZero();
        }
    }

    @Test
    void textHashing_invalid_rejectedWithReason() {
        assertThatThrownBy(() -> new TextHashing(0, 1, true)).hasMessage("hashing bits must be in [1, 30], got 0");
        assertThatThrownBy(() -> new TextHashing(31, 1, true)).hasMessage("hashing bits must be in [1, 30], got 31");
        assertThatThrownBy(() -> new TextHashing(10, 0, true)).hasMessage("hashing ngrams must be >= 1, got 0");
        assertThatThrownBy(() -> new FeatureHasher(null)).hasMessage("hashing config is required");
        assertThat(TextHashing.of(5)).isEqualTo(new TextHashing(5, 1, true));
        assertThat(TextHashing.of(30).dimension()).isEqualTo(1 << 30);
    }

    static int expectedIndex(String ngram, int bits) {
        byte[] b = ngram.getBytes(StandardCharsets.UTF_8);
        return Murmur3.hash32(b, 0, b.length, 0) & ((1 << bits) - 1);
    }

    static float expectedSign(String ngram) {
        byte[] b = ngram.getBytes(StandardCharsets.UTF_8);
        return Murmur3.hash32(b, 0, b.length, 0) < 0 ? -1f : 1f;
    }

    private static float valueAt(SparseVector v, int index) {
        int at = Arrays.binarySearch(v.indices(), index);
        assertThat(at).as("index %d present", index).isGreaterThanOrEqualTo(0);
        return v.values()[at];
    }

    private static String randomText(Random random, int words) {
        String[] vocabulary = {"the", "cat", "sat", "on", "mat", "Dog", "ÉTÉ", "naïve", "日本語", "42", "x", "don't"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            sb.append(vocabulary[random.nextInt(vocabulary.length)]).append(random.nextBoolean() ? " " : ", ");
        }
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
