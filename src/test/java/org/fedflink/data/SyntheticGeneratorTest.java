package org.fedflink.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SyntheticGeneratorTest {

    private static void assertSameExample(Example a, Example b) {
        assertThat(a.source()).isEqualTo(b.source());
        assertThat(a.timestamp()).isEqualTo(b.timestamp());
        assertThat(a.label()).isEqualTo(b.label());
        assertThat(a.indices()).isEqualTo(b.indices());
        assertThat(a.values()).containsExactly(b.values());
    }

    @ParameterizedTest
    @EnumSource(ModelType.class)
    void example_sameIndex_identicalAcrossInstancesAndOrder(ModelType type) {
        SyntheticGenerator.Config config = TestConfigs.of(type, 20, 4, 0.05, 7L);
        SyntheticGenerator a = new SyntheticGenerator(config);
        SyntheticGenerator b = new SyntheticGenerator(config);
        int n = 2000;
        List<Example> forward = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            forward.add(a.example(i));
        }
        // b visits the indices in a shuffled order, with unrelated calls in between
        long[] order = new SplittableRandom(1).longs(n, 0, n).toArray();
        for (long i : order) {
            b.holdoutExample(i);
            b.isCorrupt(i + 1);
            assertSameExample(b.example(i), forward.get((int) i));
            assertThat(b.isCorrupt(i)).isEqualTo(a.isCorrupt(i));
            assertThat(b.corruptLine(i)).isEqualTo(a.corruptLine(i));
        }
        assertSameExample(b.example(123_456_789_012L), a.example(123_456_789_012L));
        assertThat(b.holdout(50)).hasSize(50);
        for (int j = 0; j < 50; j++) {
            assertSameExample(b.holdout(50).get(j), a.holdoutExample(j));
        }
    }

    @Test
    void example_differentSeed_differentData() {
        SyntheticGenerator a = new SyntheticGenerator(TestConfigs.of(ModelType.SOFTMAX, 20, 4, 0, 1L));
        SyntheticGenerator b = new SyntheticGenerator(TestConfigs.of(ModelType.SOFTMAX, 20, 4, 0, 2L));
        assertThat(a.example(0).values()).isNotEqualTo(b.example(0).values());
    }

    @Test
    void example_fields_followConfig() {
        SyntheticGenerator g = new SyntheticGenerator(TestConfigs.quickstart());
        for (long i = 0; i < 1000; i++) {
            Example e = g.example(i);
            assertThat(e.isDense()).isTrue();
            assertThat(e.values()).hasSize(20);
            assertThat(e.timestamp()).isEqualTo(1_700_000_000_000L + i * 10);
            assertThat(e.source()).matches("source-(1?[0-9])");
            assertThat(e.label()).isIn(0.0, 1.0, 2.0, 3.0);
        }
        assertThat(g.sourceName(7)).isEqualTo("source-7");
        assertThat(g.classCount()).isEqualTo(4);
    }

    @ParameterizedTest
    @EnumSource(ModelType.class)
    void example_everyExample_passesValidator(ModelType type) {
        SyntheticGenerator g = new SyntheticGenerator(TestConfigs.of(type, 12, 5, 0.1, 3L));
        ExampleValidator v = new ExampleValidator(specOf(type, 12, 5));
        JsonLineParser parser = new JsonLineParser();
        for (long i = 0; i < 5000; i++) {
            Example e = i % 2 == 0 ? g.example(i) : g.holdoutExample(i);
            assertThat(v.check(e)).isNull();
            // and round-trips exactly through the JSON line format
            Example parsed = parseOrFail(parser, JsonLineWriter.toJson(e));
            assertSameExample(parsed, e);
        }
    }

    @Test
    void example_sources_roughlyUniform() {
        SyntheticGenerator g = new SyntheticGenerator(TestConfigs.quickstart());
        int[] counts = new int[20];
        int n = 100_000;
        for (long i = 0; i < n; i++) {
            counts[Integer.parseInt(g.example(i).source().substring("source-".length()))]++;
        }
        for (int c : counts) {
            assertThat(c).isBetween(n / 20 - 500, n / 20 + 500);
        }
    }

    /** Mean total-variation distance between each source's class histogram and the overall one. */
    private static double meanLabelSkew(SyntheticGenerator g, int sources, int classes, int n) {
        double[][] hist = new double[sources][classes];
        double[] all = new double[classes];
        for (long i = 0; i < n; i++) {
            Example e = g.example(i);
            int s = Integer.parseInt(e.source().substring("source-".length()));
            hist[s][(int) e.label()]++;
            all[(int) e.label()]++;
        }
        double total = 0;
        for (double[] h : hist) {
            double count = Arrays.stream(h).sum();
            double tv = 0;
            for (int c = 0; c < classes; c++) {
                tv += Math.abs(h[c] / count - all[c] / n);
            }
            total += tv / 2;
        }
        return total / sources;
    }

    @Test
    void labelSkew_smallAlpha_perSourceHistogramsDiffer() {
        SyntheticGenerator g = new SyntheticGenerator(TestConfigs.quickstart());
        double skew = meanLabelSkew(g, 20, 4, 100_000);
        System.out.printf("label skew (mean TV distance to overall), alpha=0.5: %.3f%n", skew);
        assertThat(skew).isGreaterThan(0.2);
        // the class mixes are proper distributions and skewed
        double maxShare = 0;
        for (int s = 0; s < 20; s++) {
            double[] pi = g.classMix(s);
            assertThat(Arrays.stream(pi).sum()).isCloseTo(1.0, within(1e-12));
            maxShare = Math.max(maxShare, Arrays.stream(pi).max().orElseThrow());
        }
        assertThat(maxShare).isGreaterThan(0.6);
    }

    @Test
    void labelSkew_largeAlpha_nearlyUniform() {
        SyntheticGenerator g = new SyntheticGenerator(TestConfigs.softmax(20, 4, 20, 1000, 0.5, 3, 1, 0, 42L));
        double skew = meanLabelSkew(g, 20, 4, 100_000);
        System.out.printf("label skew (mean TV distance to overall), alpha=1000: %.3f%n", skew);
        assertThat(skew).isLessThan(0.05);
        for (int s = 0; s < 20; s++) {
            for (double p : g.classMix(s)) {
                assertThat(p).isCloseTo(0.25, within(0.05));
            }
        }
    }

    @Test
    void labelSkew_tinyAlpha_noUnderflow() {
        SyntheticGenerator g = new SyntheticGenerator(TestConfigs.softmax(5, 10, 50, 0.001, 0.5, 3, 1, 0, 9L));
        int nearlyOneClass = 0;
        for (int s = 0; s < 50; s++) {
            double[] pi = g.classMix(s);
            assertThat(Arrays.stream(pi).allMatch(Double::isFinite)).isTrue();
            assertThat(Arrays.stream(pi).sum()).isCloseTo(1.0, within(1e-12));
            if (Arrays.stream(pi).max().orElseThrow() > 0.9) {
                nearlyOneClass++;
            }
        }
        // essentially one class per source (Dirichlet(0.001) over 10 classes: a close second is rare)
        assertThat(nearlyOneClass).isGreaterThanOrEqualTo(45);
        for (long i = 0; i < 1000; i++) {
            assertThat(g.example(i).label()).isBetween(0.0, 9.0);
        }
    }

    @Test
    void featureShift_perSourceMeansDiffer() {
        // one class, so differences between sources come from the shift alone
        SyntheticGenerator g = new SyntheticGenerator(TestConfigs.softmax(4, 2, 3, 1000, 2.0, 0.0, 1.0, 0, 5L));
        double[][] sum = new double[3][4];
        int[] count = new int[3];
        for (long i = 0; i < 30_000; i++) {
            Example e = g.example(i);
            int s = Integer.parseInt(e.source().substring("source-".length()));
            count[s]++;
            for (int j = 0; j < 4; j++) {
                sum[s][j] += e.values()[j];
            }
        }
        double maxGap = 0;
        for (int j = 0; j < 4; j++) {
            maxGap = Math.max(maxGap, Math.abs(sum[0][j] / count[0] - sum[1][j] / count[1]));
            maxGap = Math.max(maxGap, Math.abs(sum[0][j] / count[0] - sum[2][j] / count[2]));
        }
        assertThat(maxGap).isGreaterThan(1.0);
    }

    @Test
    void plantedScore_quickstartHoldout_highButBelowOne() {
        SyntheticGenerator g = new SyntheticGenerator(TestConfigs.quickstart());
        List<Example> holdout = g.holdout(20_000);
        double accuracy = g.plantedScore(holdout);
        System.out.printf("planted accuracy, quickstart-like config (20 features, 4 classes, 20 sources, "
                + "labelSkew 0.5, featureShift 0.5, classSeparation 3, noise 1), 20000 holdout: %.4f%n", accuracy);
        assertThat(accuracy).isGreaterThan(0.8).isLessThan(0.995);
        // on the stream it is the same up to sampling error
        List<Example> stream = new ArrayList<>();
        for (long i = 0; i < 20_000; i++) {
            stream.add(g.example(i));
        }
        assertThat(g.plantedScore(stream)).isCloseTo(accuracy, within(0.015));
    }

    @Test
    void plantedScore_noNoiseNoShift_perfect() {
        SyntheticGenerator g = new SyntheticGenerator(TestConfigs.softmax(10, 3, 5, 1, 0, 3, 0, 0, 3L));
        assertThat(g.plantedScore(g.holdout(1000))).isEqualTo(1.0);
    }

    @Test
    void plantedScore_logistic_highAccuracy() {
        SyntheticGenerator g = new SyntheticGenerator(TestConfigs.of(ModelType.LOGISTIC, 20, 2, 0, 11L));
        assertThat(g.classCount()).isEqualTo(2);
        double accuracy = g.plantedScore(g.holdout(10_000));
        System.out.printf("planted accuracy, logistic: %.4f%n", accuracy);
        assertThat(accuracy).isGreaterThan(0.8).isLessThan(1.0);
    }

    @Test
    void plantedScore_linear_mseNearNoiseSquared() {
        SyntheticGenerator.Config c = new SyntheticGenerator.Config(ModelType.LINEAR, 20, 0, 10, 0.5, 0.5, 3.0, 0.5,
                0, 10L, 0L, 13L);
        SyntheticGenerator g = new SyntheticGenerator(c);
        List<Example> holdout = g.holdout(20_000);
        double mse = g.plantedScore(holdout);
        System.out.printf("planted MSE, linear, noise 0.5: %.4f%n", mse);
        assertThat(mse).isCloseTo(0.25, within(0.02));
        // the labels carry signal: their variance is well above the noise
        double mean = holdout.stream().mapToDouble(Example::label).average().orElseThrow();
        double var = holdout.stream().mapToDouble(e -> (e.label() - mean) * (e.label() - mean)).average().orElseThrow();
        assertThat(var).isGreaterThan(4 * mse);
    }

    @Test
    void plantedScore_sparseInput_sameAsDense() {
        SyntheticGenerator g = new SyntheticGenerator(TestConfigs.quickstart());
        for (long i = 0; i < 200; i++) {
            Example e = g.example(i);
            int[] idx = new int[20];
            for (int j = 0; j < 20; j++) {
                idx[j] = j;
            }
            Example sparse = new Example(e.source(), e.timestamp(), e.label(), idx, e.values());
            assertThat(g.plantedPrediction(sparse)).isEqualTo(g.plantedPrediction(e));
        }
        assertThat(g.plantedScore(List.of())).isNaN();
        assertThatThrownBy(() -> g.plantedScore(List.of(new Example("s", 0, 0, null, new float[3]))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected 20 features, got 3");
    }

    @Test
    void holdout_independentOfStream() {
        SyntheticGenerator g = new SyntheticGenerator(TestConfigs.quickstart());
        List<Example> holdout = g.holdout(20_000);
        for (int j = 0; j < 20_000; j++) {
            assertThat(holdout.get(j).values()).isNotEqualTo(g.example(j).values());
        }
        // same mixture: sources as in training, all of them present
        assertThat(holdout).allMatch(e -> e.source().matches("source-(1?[0-9])"));
        assertThat(holdout.stream().map(Example::source).distinct().count()).isEqualTo(20);
    }

    @Test
    void isCorrupt_fraction_closeToRequested() {
        for (double fraction : new double[] {0.0, 0.01, 0.2, 1.0}) {
            SyntheticGenerator g = new SyntheticGenerator(TestConfigs.softmax(20, 4, 20, 0.5, 0.5, 3, 1, fraction, 42L));
            int n = 100_000;
            int corrupt = 0;
            for (long i = 0; i < n; i++) {
                if (g.isCorrupt(i)) {
                    corrupt++;
                }
            }
            double sd = Math.sqrt(n * fraction * (1 - fraction));
            assertThat((double) corrupt).as("fraction %s", fraction).isCloseTo(n * fraction, within(5 * sd + 1e-9));
        }
    }

    @Test
    void isCorrupt_independentOfContent() {
        // the corrupt indices are not tied to a source or class
        SyntheticGenerator g = new SyntheticGenerator(TestConfigs.softmax(20, 4, 4, 0.5, 0.5, 3, 1, 0.3, 42L));
        int[] perLabel = new int[4];
        int[] corruptPerLabel = new int[4];
        for (long i = 0; i < 40_000; i++) {
            int y = (int) g.example(i).label();
            perLabel[y]++;
            if (g.isCorrupt(i)) {
                corruptPerLabel[y]++;
            }
        }
        for (int y = 0; y < 4; y++) {
            if (perLabel[y] > 2000) {
                assertThat((double) corruptPerLabel[y] / perLabel[y]).isCloseTo(0.3, within(0.04));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ModelType.class)
    void corruptLine_everyShape_rejected(ModelType type) {
        for (int features : new int[] {1, 2, 20}) {
            SyntheticGenerator g = new SyntheticGenerator(TestConfigs.of(type, features, 4, 0.1, 17L + features));
            ExampleValidator validator = new ExampleValidator(specOf(type, features, 4));
            JsonLineParser parser = new JsonLineParser();
            int[] shapes = new int[CorruptLines.CORRUPT_SHAPES];
            for (long i = 0; i < 20_000; i++) {
                String line = g.corruptLine(i);
                shapes[g.corruptShape(i)]++;
                String reason;
                try {
                    Example e = parser.parse(line);
                    reason = validator.check(e);
                } catch (InvalidRecordException ex) {
                    reason = ex.getMessage();
                }
                assertThat(reason).as("corrupt line %d: %s", i, line).isNotNull().isNotBlank().doesNotContain("\n");
            }
            assertThat(Arrays.stream(shapes).min().orElseThrow()).isGreaterThan(2000);
        }
    }

    @Test
    void corruptLine_shapes_lookRealistic() {
        SyntheticGenerator g = new SyntheticGenerator(TestConfigs.quickstart());
        JsonLineParser parser = new JsonLineParser();
        ExampleValidator validator = new ExampleValidator(new ModelSpec(ModelType.SOFTMAX, 20, 4, 0.0));
        List<String> reasons = new ArrayList<>();
        for (long i = 0; i < 300; i++) {
            String line = g.corruptLine(i);
            String reason;
            try {
                reason = validator.check(parser.parse(line));
            } catch (InvalidRecordException ex) {
                reason = ex.getMessage();
            }
            reasons.add(reason);
            switch (g.corruptShape(i)) {
                case CorruptLines.SHAPE_TRUNCATED -> {
                    assertThat(reason).startsWith("truncated JSON");
                    assertThat(JsonLineWriter.toJson(g.example(i))).startsWith(line);
                }
                case CorruptLines.SHAPE_WRONG_FEATURE_COUNT -> assertThat(reason).matches("expected 20 features, got (19|21)");
                case CorruptLines.SHAPE_BAD_FEATURE -> assertThat(reason).matches("feature \\d+ is not a finite number.*");
                case CorruptLines.SHAPE_MISSING_LABEL -> assertThat(reason).isEqualTo("missing label");
                case CorruptLines.SHAPE_LABEL_OUT_OF_RANGE -> assertThat(reason).matches("label -?\\d+ is out of range \\[0, 4\\)");
                case CorruptLines.SHAPE_NON_NUMERIC_LABEL -> assertThat(reason).startsWith("label is not a number");
                default -> throw new AssertionError();
            }
            if (g.corruptShape(i) != CorruptLines.SHAPE_TRUNCATED) {
                assertThat(line).startsWith("{\"source\":\"source-");
            }
        }
        reasons.stream().distinct().limit(12).forEach(r -> System.out.println("corrupt line reason: " + r));
    }

    @Test
    void manySources_drawnWhenNeeded_sameExamplesInAnyOrder_smallWhenSerialized() throws Exception {
        // 10,000,000 sources of 784 features: a table of every source's shift would take 63 GB
        SyntheticGenerator.Config config = with(TestConfigs.of(ModelType.SOFTMAX, 784, 10, 0, 5L), "sources",
                10_000_000);
        SyntheticGenerator g = new SyntheticGenerator(config);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(g);
        }
        assertThat(bytes.size()).as("serialized generator bytes").isLessThan(200_000);
        List<Example> forward = new ArrayList<>();
        for (long i = 0; i < 2_000; i++) {
            forward.add(g.example(i));
        }
        SyntheticGenerator copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (SyntheticGenerator) in.readObject();
        }
        // a source met again after others took its cache slot is drawn again, the same
        for (int i = forward.size() - 1; i >= 0; i--) {
            assertSameExample(copy.example(i), forward.get(i));
            assertSameExample(g.example(i), forward.get(i));
        }
        assertThat(copy.sourceName(9_999_999)).isEqualTo("source-9999999");
        assertThat(copy.classMix(123_456)).isEqualTo(g.classMix(123_456));
        assertThat(new SyntheticSources(10_000_000, 784, 10, 1, 1, new long[] {1, 2}).cacheSlots() * 784L * 8)
                .as("bytes of the cached sources' shifts").isLessThanOrEqualTo(SyntheticSources.CACHE_BYTES);
        assertThat(new SyntheticSources(100, 784, 10, 1, 1, new long[] {1, 2}).cacheSlots()).isEqualTo(128);
    }

    @Test
    void serialization_roundTrip_sameExamples() throws Exception {
        SyntheticGenerator g = new SyntheticGenerator(TestConfigs.quickstart());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(g);
            out.writeObject(new ExampleValidator(new ModelSpec(ModelType.SOFTMAX, 20, 4, 0.1)));
            out.writeObject(new JsonLineParser());
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            SyntheticGenerator copy = (SyntheticGenerator) in.readObject();
            ExampleValidator validator = (ExampleValidator) in.readObject();
            JsonLineParser parser = (JsonLineParser) in.readObject();
            for (long i = 0; i < 100; i++) {
                assertSameExample(copy.example(i), g.example(i));
                assertThat(copy.isCorrupt(i)).isEqualTo(g.isCorrupt(i));
                assertThat(validator.check(copy.example(i))).isNull();
                assertSameExample(parser.parse(JsonLineWriter.toJson(copy.example(i))), g.example(i));
            }
        }
    }

    @Test
    void constructor_invalidConfig_namesFieldAndValue() {
        SyntheticGenerator.Config ok = TestConfigs.quickstart();
        assertInvalid(c -> with(c, "type", null), "type");
        assertInvalid(c -> with(c, "features", 0), "features must be >= 1, got 0");
        assertInvalid(c -> with(c, "classes", 1), "classes must be >= 2 for softmax, got 1");
        assertInvalid(c -> with(c, "sources", 0), "sources must be >= 1, got 0");
        assertInvalid(c -> with(c, "labelSkew", 0.0), "labelSkew must be finite and > 0, got 0.0");
        assertInvalid(c -> with(c, "labelSkew", Double.NaN), "labelSkew must be finite and > 0, got NaN");
        assertInvalid(c -> with(c, "featureShift", -1.0), "featureShift must be finite and >= 0, got -1.0");
        assertInvalid(c -> with(c, "classSeparation", Double.POSITIVE_INFINITY), "classSeparation must be finite");
        assertInvalid(c -> with(c, "noise", -0.5), "noise must be finite and >= 0, got -0.5");
        assertInvalid(c -> with(c, "corruptFraction", 1.5), "corruptFraction must be in [0, 1], got 1.5");
        assertInvalid(c -> with(c, "eventIntervalMillis", -1L), "eventIntervalMillis must be >= 0, got -1");
        assertInvalid(c -> with(c, "startTimeMillis", Long.MIN_VALUE), "startTimeMillis");
        assertInvalid(c -> with(with(c, "features", 1 << 22), "classes", 10), "features x classes is too large");
        assertThatThrownBy(() -> new SyntheticGenerator(null)).isInstanceOf(IllegalArgumentException.class);
        // logistic always has 2 classes and linear none, whatever classes says
        assertThat(new SyntheticGenerator(TestConfigs.of(ModelType.LOGISTIC, 3, 0, 0, 1L)).classCount()).isEqualTo(2);
        assertThat(new SyntheticGenerator(TestConfigs.of(ModelType.LOGISTIC, 3, 7, 0, 1L)).classCount()).isEqualTo(2);
        assertThat(new SyntheticGenerator(TestConfigs.of(ModelType.LINEAR, 3, 0, 0, 1L)).classCount()).isZero();
        new SyntheticGenerator(ok);
    }

    @Test
    void example_negativeIndex_rejected() {
        SyntheticGenerator g = new SyntheticGenerator(TestConfigs.quickstart());
        assertThatThrownBy(() -> g.example(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> g.holdout(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertInvalid(UnaryOperator<SyntheticGenerator.Config> change, String message) {
        SyntheticGenerator.Config c = change.apply(TestConfigs.quickstart());
        assertThatThrownBy(() -> new SyntheticGenerator(c))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    /** A copy of {@code c} with one component replaced. */
    private static SyntheticGenerator.Config with(SyntheticGenerator.Config c, String field, Object value) {
        var components = SyntheticGenerator.Config.class.getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        try {
            for (int k = 0; k < components.length; k++) {
                types[k] = components[k].getType();
                args[k] = components[k].getName().equals(field) ? value : components[k].getAccessor().invoke(c);
            }
            return SyntheticGenerator.Config.class.getDeclaredConstructor(types).newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static Example parseOrFail(JsonLineParser parser, String line) {
        try {
            return parser.parse(line);
        } catch (InvalidRecordException e) {
            throw new AssertionError("rejected: " + e.getMessage() + ": " + line, e);
        }
    }

    /** A spec of any type; an MLP needs a hidden layer, whose size the validator does not look at. */
    private static ModelSpec specOf(ModelType type, int features, int classes) {
        return new ModelSpec(type, features, classes, 0.0, type == ModelType.MLP ? List.of(8) : List.of());
    }
}
