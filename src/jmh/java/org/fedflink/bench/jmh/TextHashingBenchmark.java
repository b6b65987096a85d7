package org.fedflink.bench.jmh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.fedflink.data.FeatureHasher;
import org.fedflink.data.SparseVector;
import org.fedflink.data.TextHashing;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Hashing one text row into 2^20 signed dimensions ({@link FeatureHasher#hash}), which a text input's
 * reader does for every example:
 *
 * <ul>
 *   <li>{@code bench}: the rows of the bench's sparse case, 40 short lower-case ASCII words;
 *   <li>{@code prose}: 40 words of English-like text with capitals and punctuation;
 *   <li>{@code accented}: the same with one word in five accented (the non-ASCII path).
 * </ul>
 * Successive calls cycle through {@link Synthetic#POOL} texts.
 *
 * <pre>
 * mvn -B -Pjmh -DskipTests package
 * java -jar target/jmh/benchmarks.jar TextHashingBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class TextHashingBenchmark {

    private static final int WORDS = 40;
    private static final String[] PROSE = {"The", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog,",
        "and", "a", "library", "for", "parsing", "JSON", "(version", "2.1)", "in", "Debian's", "archive."};
    private static final String[] ACCENTED = {"café", "naïve", "Straße", "résumé", "Ångström"};

    @Param({"bench", "prose", "accented"})
    public String text;

    @Param({"1", "2"})
    public int ngrams;

    private FeatureHasher hasher;
    private String[] texts;
    private int next;

    @Setup
    public void setUp() {
        hasher = new FeatureHasher(new TextHashing(20, ngrams, true));
        SplittableRandom random = new SplittableRandom(42);
        texts = new String[Synthetic.POOL];
        for (int i = 0; i < texts.length; i++) {
            StringBuilder row = new StringBuilder(WORDS * 8);
            for (int w = 0; w < WORDS; w++) {
                if (w > 0) {
                    row.append(' ');
                }
                switch (text) {
                    case "bench" -> row.append('w').append(Integer.toString((int) (50_000 * Math.pow(
                            random.nextDouble(), 2)), 36));
                    case "prose" -> row.append(PROSE[random.nextInt(PROSE.length)]);
                    case "accented" -> row.append(random.nextInt(5) == 0
                            ? ACCENTED[random.nextInt(ACCENTED.length)] : PROSE[random.nextInt(PROSE.length)]);
                    default -> throw new IllegalArgumentException("text must be bench, prose or accented, got " + text);
                }
            }
            texts[i] = row.toString();
        }
    }

    @Benchmark
    public SparseVector hash() {
        String row = texts[next];
        next = next + 1 == texts.length ? 0 : next + 1;
        return hasher.hash(row);
    }
}
