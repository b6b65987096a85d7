package org.fedflink.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.fedflink.model.ModelType;

/**
 * The built-in synthetic data set: a planted model over non-IID data sources.
 *
 * <p>Deterministic: {@link #example(long)} depends only on the configuration (incl. seed) and the
 * index, so parallel source readers can generate disjoint index ranges.
 *
 * <p>{@code classes} is used by SOFTMAX and MLP only (an MLP learns the same multiclass data):
 * LOGISTIC always has the two classes 0 and 1 and LINEAR has none (as in
 * {@link org.fedflink.model.ModelSpec} and {@link ExampleValidator}).
 *
 * <h2>The model</h2>
 *
 * Drawn once from the seed in the constructor (each part from its own seed-derived stream, so e.g.
 * the class means do not change when the number of sources does; source {@code s}'s parameters do
 * not depend on the number of sources either):
 *
 * <ul>
 *   <li>classifiers ({@code C = classes} for SOFTMAX and MLP, 2 for LOGISTIC): class means
 *       {@code mu_c} with i.i.d. {@code N(0, classSeparation^2 / features)} coordinates, so
 *       {@code |mu_c| ~ classSeparation};
 *   <li>LINEAR: a planted weight vector {@code w*} with i.i.d. {@code N(0, classSeparation^2 /
 *       features)} coordinates (so {@code classSeparation} acts as the signal strength,
 *       {@code |w*| ~ classSeparation}) and a bias {@code b* ~ N(0, 1)};
 *   <li>per source {@code s} (named {@code "source-" + s}): a feature shift
 *       {@code delta_s ~ N(0, featureShift^2 I)} and, for classifiers, a class mix
 *       {@code pi_s ~ Dirichlet(labelSkew, ..., labelSkew)} (small {@code labelSkew} = strong label
 *       skew, large = nearly uniform classes at every source).
 * </ul>
 *
 * <p>Example {@code i}: its source is drawn <b>uniformly</b> from the sources (no quantity skew:
 * every source produces about the same number of examples); classifiers draw {@code y ~ pi_s} and
 * {@code x = mu_y + delta_s + noise * N(0, I)}; LINEAR draws {@code x = delta_s + N(0, I)} (unit
 * feature noise, independent of {@code noise}) and {@code y = w*.x + b* + noise * N(0, 1)}, so the
 * planted model's MSE is about {@code noise^2}. Features are dense floats; the timestamp is
 * {@code startTimeMillis + i * eventIntervalMillis}.
 *
 * <h2>Corrupt records</h2>
 *
 * {@link #isCorrupt(long)} marks about {@code corruptFraction} of the indices, from a stream
 * independent of the example content; the job is expected to emit {@link #corruptLine(long)}
 * instead of {@link #example(long)} for those indices (example(i) itself is defined for every i).
 * Every corrupt line is rejected by {@link JsonLineParser#parse} or, failing that, by an
 * {@link ExampleValidator} for this generator's dimension and classes.
 *
 * <p>Serializable: the model is held in plain arrays, precomputed once; all methods are
 * thread-safe.
 */
public final class SyntheticGenerator implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Upper bound on the number of precomputed model entries (means, shifts, class mixes). */
    static final long MAX_MODEL_ENTRIES = 1L << 25;

    private static final long FAMILY_MEANS = 1;
    private static final long FAMILY_WEIGHTS = 2;
    private static final long FAMILY_SOURCES = 3;
    private static final long FAMILY_STREAM = 4;
    private static final long FAMILY_HOLDOUT = 5;
    private static final long FAMILY_CORRUPT = 6;
    private static final long FAMILY_SHAPE = 7;

    /** Number of corrupt-line shapes ({@link #corruptLine(long)}). */
    static final int CORRUPT_SHAPES = 6;

    static final int SHAPE_TRUNCATED = 0;
    static final int SHAPE_WRONG_FEATURE_COUNT = 1;
    static final int SHAPE_BAD_FEATURE = 2;
    static final int SHAPE_MISSING_LABEL = 3;
    static final int SHAPE_LABEL_OUT_OF_RANGE = 4;
    static final int SHAPE_NON_NUMERIC_LABEL = 5;

    private static final String[] BAD_FEATURE_TOKENS = {
        "NaN", "\"NaN\"", "Infinity", "-Infinity", "\"nan\"", "null", "\"\"", "1e999", "\"0.5\""
    };
    private static final String[] NON_NUMERIC_LABELS = {"\"cat\"", null, "null", "true", "\"\"", "[1]"};

    private final Config config;
    private final boolean classifier;
    private final int features;
    /** Number of classes (classifiers), 0 for LINEAR. */
    private final int classes;
    private final int sources;
    private final double noise;
    private final long startTimeMillis;
    private final long eventIntervalMillis;

    /** classes x features, row-major (classifiers). */
    private final double[] means;
    /** |mu_c|^2 / 2 (classifiers). */
    private final double[] halfNormSq;
    /** The planted weights (LINEAR). */
    private final double[] weights;
    private final double bias;
    /** sources x features, row-major. */
    private final double[] shifts;
    /** sources x classes cumulative class distributions, last entry of each row exactly 1. */
    private final double[] classCdf;
    /** The class mixes pi_s themselves (sources x classes), for inspection. */
    private final double[] classMix;
    private final String[] sourceNames;

    private final long streamKey;
    private final long streamSalt;
    private final long holdoutKey;
    private final long holdoutSalt;
    private final long corruptKey;
    private final long corruptSalt;
    private final long shapeKey;
    private final long shapeSalt;
    /** isCorrupt(i) iff the index's 53-bit uniform is below this. */
    private final long corruptThreshold;

    public SyntheticGenerator(Config config) {
        validate(config);
        this.config = config;
        this.classifier = config.type() != ModelType.LINEAR;
        this.features = config.features();
        this.classes = switch (config.type()) {
            case LINEAR -> 0;
            case LOGISTIC -> 2;
            case SOFTMAX, MLP -> config.classes();
        };
        this.sources = config.sources();
        this.noise = config.noise();
        this.startTimeMillis = config.startTimeMillis();
        this.eventIntervalMillis = config.eventIntervalMillis();
        long seed = config.seed();
        double scale = config.classSeparation() / Math.sqrt(features);

        if (classifier) {
            SplitMix64 r = new SplitMix64(streamKeys(seed, FAMILY_MEANS)[0]);
            means = new double[classes * features];
            halfNormSq = new double[classes];
            for (int c = 0; c < classes; c++) {
                double sq = 0;
                for (int j = 0; j < features; j++) {
                    double m = r.nextGaussian() * scale;
                    means[c * features + j] = m;
                    sq += m * m;
                }
                halfNormSq[c] = sq / 2;
            }
            weights = null;
            bias = 0;
        } else {
            SplitMix64 r = new SplitMix64(streamKeys(seed, FAMILY_WEIGHTS)[0]);
            weights = new double[features];
            for (int j = 0; j < features; j++) {
                weights[j] = r.nextGaussian() * scale;
            }
            bias = r.nextGaussian();
            means = null;
            halfNormSq = null;
        }

        long[] sourceKeys = streamKeys(seed, FAMILY_SOURCES);
        shifts = new double[sources * features];
        classCdf = classifier ? new double[sources * classes] : null;
        classMix = classifier ? new double[sources * classes] : null;
        sourceNames = new String[sources];
        double[] logGamma = classifier ? new double[classes] : null;
        for (int s = 0; s < sources; s++) {
            sourceNames[s] = "source-" + s;
            SplitMix64 r = new SplitMix64(SplitMix64.streamSeed(sourceKeys[0], sourceKeys[1], s));
            if (classifier) {
                // Dirichlet(alpha) = normalised Gamma(alpha) draws, computed in logs (tiny alpha underflows)
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    logGamma[c] = r.nextLogGamma(config.labelSkew());
                    max = Math.max(max, logGamma[c]);
                }
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    double p = Math.exp(logGamma[c] - max);
                    classMix[s * classes + c] = p;
                    sum += p;
                }
                double cum = 0;
                for (int c = 0; c < classes; c++) {
                    classMix[s * classes + c] /= sum;
                    cum += classMix[s * classes + c];
                    classCdf[s * classes + c] = cum;
                }
                classCdf[s * classes + classes - 1] = 1.0;
            }
            for (int j = 0; j < features; j++) {
                shifts[s * features + j] = r.nextGaussian() * config.featureShift();
            }
        }

        long[] k = streamKeys(seed, FAMILY_STREAM);
        streamKey = k[0];
        streamSalt = k[1];
        k = streamKeys(seed, FAMILY_HOLDOUT);
        holdoutKey = k[0];
        holdoutSalt = k[1];
        k = streamKeys(seed, FAMILY_CORRUPT);
        corruptKey = k[0];
        corruptSalt = k[1];
        k = streamKeys(seed, FAMILY_SHAPE);
        shapeKey = k[0];
        shapeSalt = k[1];
        corruptThreshold = (long) (config.corruptFraction() * 0x1p53);
    }

    private static long[] streamKeys(long seed, long family) {
        return SplitMix64.streamKeys(seed, family);
    }

    private static void validate(Config c) {
        if (c == null) {
            throw new IllegalArgumentException("generator config is required");
        }
        if (c.type() == null) {
            throw new IllegalArgumentException("type is required");
        }
        if (c.features() < 1) {
            throw new IllegalArgumentException("features must be >= 1, got " + c.features());
        }
        boolean multiclass = c.type() == ModelType.SOFTMAX || c.type() == ModelType.MLP;
        if (multiclass && c.classes() < 2) {
            throw new IllegalArgumentException(
                    "classes must be >= 2 for " + c.type().name().toLowerCase(java.util.Locale.ROOT) + ", got "
                            + c.classes());
        }
        if (c.sources() < 1) {
            throw new IllegalArgumentException("sources must be >= 1, got " + c.sources());
        }
        if (!(c.labelSkew() > 0) || !Double.isFinite(c.labelSkew())) {
            throw new IllegalArgumentException("labelSkew must be finite and > 0, got " + c.labelSkew());
        }
        if (!(c.featureShift() >= 0) || !Double.isFinite(c.featureShift())) {
            throw new IllegalArgumentException("featureShift must be finite and >= 0, got " + c.featureShift());
        }
        if (!(c.classSeparation() >= 0) || !Double.isFinite(c.classSeparation())) {
            throw new IllegalArgumentException(
                    "classSeparation must be finite and >= 0, got " + c.classSeparation());
        }
        if (!(c.noise() >= 0) || !Double.isFinite(c.noise())) {
            throw new IllegalArgumentException("noise must be finite and >= 0, got " + c.noise());
        }
        if (!(c.corruptFraction() >= 0 && c.corruptFraction() <= 1)) {
            throw new IllegalArgumentException("corruptFraction must be in [0, 1], got " + c.corruptFraction());
        }
        if (c.eventIntervalMillis() < 0) {
            throw new IllegalArgumentException("eventIntervalMillis must be >= 0, got " + c.eventIntervalMillis());
        }
        if (c.startTimeMillis() == Long.MIN_VALUE) {
            throw new IllegalArgumentException(
                    "startTimeMillis must not be Long.MIN_VALUE (reserved for \"no timestamp\")");
        }
        int classes = multiclass ? c.classes() : 2;
        long entries = (long) c.features() * (classes + c.sources()) + (long) c.sources() * (classes + 8);
        if (entries > MAX_MODEL_ENTRIES) {
            throw new IllegalArgumentException("features x (classes + sources) is too large: " + c.features()
                    + " x (" + classes + " + " + c.sources() + ") exceeds " + MAX_MODEL_ENTRIES + " model entries");
        }
    }

    /** The configuration this generator was built from. */
    public Config config() {
        return config;
    }

    /** Number of classes of the labels: {@code classes} for SOFTMAX and MLP, 2 for LOGISTIC, 0 for LINEAR. */
    public int classCount() {
        return classes;
    }

    /** The name of source {@code s}: {@code "source-" + s} (the same String instance every time). */
    public String sourceName(int s) {
        return sourceNames[s];
    }

    /** The class mix {@code pi_s} of source {@code s} (a copy; classifiers only). */
    public double[] classMix(int s) {
        if (!classifier) {
            throw new IllegalStateException("linear regression has no classes");
        }
        double[] pi = new double[classes];
        System.arraycopy(classMix, s * classes, pi, 0, classes);
        return pi;
    }

    /** The index of the source of the i-th example of the stream (its first draw; cheap). */
    public int sourceIndex(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, got " + index);
        }
        return new SplitMix64(SplitMix64.streamSeed(streamKey, streamSalt, index)).nextInt(sources);
    }

    /** The i-th example of the stream (source, timestamp, label, dense features). */
    public Example example(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, got " + index);
        }
        return generate(SplitMix64.streamSeed(streamKey, streamSalt, index), timestamp(index));
    }

    /**
     * The event time of the i-th example: {@code startTimeMillis + i * eventIntervalMillis} (not
     * checked for overflow, which needs an index beyond about 9e18 / eventIntervalMillis).
     */
    public long timestamp(long index) {
        return startTimeMillis + index * eventIntervalMillis;
    }

    /**
     * The j-th held-out example: drawn from the same sources, means and shifts as the stream, but
     * from an independent random stream (holdout j is unrelated to example j). Its timestamp is
     * {@code startTimeMillis + j * eventIntervalMillis}.
     */
    public Example holdoutExample(long j) {
        if (j < 0) {
            throw new IllegalArgumentException("holdout index must be >= 0, got " + j);
        }
        return generate(SplitMix64.streamSeed(holdoutKey, holdoutSalt, j), timestamp(j));
    }

    private Example generate(long seed, long timestamp) {
        SplitMix64 r = new SplitMix64(seed);
        int s = r.nextInt(sources);
        int d = features;
        float[] x = new float[d];
        int shiftBase = s * d;
        double label;
        if (classifier) {
            double u = r.nextDouble();
            int base = s * classes;
            int y = 0;
            while (y < classes - 1 && u >= classCdf[base + y]) {
                y++;
            }
            int meanBase = y * d;
            for (int j = 0; j < d; j++) {
                x[j] = (float) (means[meanBase + j] + shifts[shiftBase + j] + noise * r.nextGaussian());
            }
            label = y;
        } else {
            double dot = bias;
            for (int j = 0; j < d; j++) {
                float v = (float) (shifts[shiftBase + j] + r.nextGaussian());
                x[j] = v;
                dot += weights[j] * v;
            }
            label = dot + noise * r.nextGaussian();
        }
        return new Example(sourceNames[s], timestamp, label, null, x);
    }

    /** Whether the i-th record of the stream is a malformed one (drawn with {@code corruptFraction}). */
    public boolean isCorrupt(long index) {
        long u = SplitMix64.mix64(SplitMix64.streamSeed(corruptKey, corruptSalt, index) + SplitMix64.GOLDEN) >>> 11;
        return u < corruptThreshold;
    }

    /**
     * A malformed JSON line for the i-th record, as a bad producer might send: the i-th example
     * written as JSON and damaged in one of {@value #CORRUPT_SHAPES} ways chosen deterministically
     * by {@code i}: truncated JSON; one feature too few or too many; a feature that is {@code NaN},
     * {@code Infinity}, a string, {@code null} or overflows a float; no label; a label out of range
     * (a class outside {@code [0, classes)} for classifiers, a label overflowing to infinity for
     * LINEAR); a non-numeric label (string, boolean, null, array). Each one is rejected by
     * {@link JsonLineParser#parse} or by {@link ExampleValidator#check} (wrong feature count, class
     * out of range) for this generator's model.
     */
    public String corruptLine(long index) {
        Example e = example(index);
        SplitMix64 r = new SplitMix64(SplitMix64.streamSeed(shapeKey, shapeSalt, index));
        int shape = r.nextInt(CORRUPT_SHAPES);
        return corruptLine(e, shape, r);
    }

    /** The shape {@link #corruptLine(long)} uses for index i (for tests). */
    int corruptShape(long index) {
        return new SplitMix64(SplitMix64.streamSeed(shapeKey, shapeSalt, index)).nextInt(CORRUPT_SHAPES);
    }

    private String corruptLine(Example e, int shape, SplitMix64 r) {
        if (shape == SHAPE_TRUNCATED) {
            String full = JsonLineWriter.toJson(e);
            // any strict, non-empty prefix of a JSON object is incomplete
            return full.substring(0, 1 + r.nextInt(full.length() - 1));
        }
        float[] x = e.values();
        String[] tokens;
        if (shape == SHAPE_WRONG_FEATURE_COUNT) {
            boolean drop = r.nextBoolean();
            tokens = new String[drop ? x.length - 1 : x.length + 1];
            for (int j = 0; j < tokens.length; j++) {
                tokens[j] = j < x.length ? Float.toString(x[j]) : Float.toString((float) r.nextGaussian());
            }
        } else {
            tokens = new String[x.length];
            for (int j = 0; j < x.length; j++) {
                tokens[j] = Float.toString(x[j]);
            }
            if (shape == SHAPE_BAD_FEATURE) {
                tokens[r.nextInt(x.length)] = BAD_FEATURE_TOKENS[r.nextInt(BAD_FEATURE_TOKENS.length)];
            }
        }
        StringBuilder label = new StringBuilder();
        switch (shape) {
            case SHAPE_MISSING_LABEL -> label = null;
            case SHAPE_LABEL_OUT_OF_RANGE -> {
                if (classifier) {
                    label.append(r.nextBoolean() ? classes + r.nextInt(3) : -1 - r.nextInt(2));
                } else {
                    label.append(r.nextBoolean() ? "1e999" : "-1e999");
                }
            }
            case SHAPE_NON_NUMERIC_LABEL -> {
                String token = NON_NUMERIC_LABELS[r.nextInt(NON_NUMERIC_LABELS.length)];
                if (token == null) {
                    // a number sent as a string, e.g. "2"
                    label.append('"');
                    JsonLineWriter.appendNumber(label, e.label());
                    label.append('"');
                } else {
                    label.append(token);
                }
            }
            default -> JsonLineWriter.appendNumber(label, e.label());
        }
        StringBuilder sb = new StringBuilder(32 + 12 * tokens.length);
        sb.append("{\"source\":");
        JsonLineWriter.appendString(sb, e.source());
        sb.append(",\"time\":").append(e.timestamp());
        if (label != null) {
            sb.append(",\"label\":").append(label);
        }
        sb.append(",\"features\":[");
        for (int j = 0; j < tokens.length; j++) {
            if (j > 0) {
                sb.append(',');
            }
            sb.append(tokens[j]);
        }
        return sb.append("]}").toString();
    }

    /** {@code n} held-out examples drawn from the same mixture of sources (independent of the stream). */
    public List<Example> holdout(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("holdout size must be >= 0, got " + n);
        }
        List<Example> out = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
            out.add(holdoutExample(j));
        }
        return out;
    }

    /**
     * Accuracy (classification) or mean squared error (regression) of the planted model on {@code examples}.
     *
     * <p>Classification uses the nearest-class-mean rule {@code argmax_c (mu_c.x - |mu_c|^2 / 2)}
     * (ties to the lower class): it ignores the per-source feature shift and the source's class
     * prior, so it is a reference, not the Bayes optimum — a learned model may come close to it and
     * rarely beats it by much (a model that learns the class priors or source shifts can). For
     * regression it is the MSE of {@code w*.x + b*}, about {@code noise^2}. NaN for an empty list.
     *
     * @throws IllegalArgumentException if an example does not match the generator's dimension
     */
    public double plantedScore(List<Example> examples) {
        if (examples.isEmpty()) {
            return Double.NaN;
        }
        double total = 0;
        for (Example e : examples) {
            double prediction = plantedPrediction(e);
            if (classifier) {
                total += prediction == e.label() ? 1 : 0;
            } else {
                double err = e.label() - prediction;
                total += err * err;
            }
        }
        return total / examples.size();
    }

    /**
     * The planted model's prediction for one example: the class of the nearest-class-mean rule
     * (classifiers) or {@code w*.x + b*} (LINEAR). Works for dense and sparse examples.
     */
    public double plantedPrediction(Example e) {
        checkShape(e);
        if (classifier) {
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                double score = dot(means, c * features, e) - halfNormSq[c];
                if (score > bestScore) {
                    bestScore = score;
                    best = c;
                }
            }
            return best;
        }
        return dot(weights, 0, e) + bias;
    }

    private void checkShape(Example e) {
        if (e.isDense()) {
            if (e.values().length != features) {
                throw new IllegalArgumentException(
                        "expected " + features + " features, got " + e.values().length);
            }
        } else {
            for (int index : e.indices()) {
                if (index < 0 || index >= features) {
                    throw new IllegalArgumentException(
                            "feature index " + index + " is out of range [0, " + features + ")");
                }
            }
        }
    }

    private static double dot(double[] w, int offset, Example e) {
        float[] v = e.values();
        int[] idx = e.indices();
        double sum = 0;
        if (idx == null) {
            for (int j = 0; j < v.length; j++) {
                sum += w[offset + j] * v[j];
            }
        } else {
            for (int k = 0; k < v.length; k++) {
                sum += w[offset + idx[k]] * v[k];
            }
        }
        return sum;
    }

    /** Generator configuration. */
    public record Config(
            org.fedflink.model.ModelType type,
            int features,
            int classes,
            int sources,
            double labelSkew,
            double featureShift,
            double classSeparation,
            double noise,
            double corruptFraction,
            long eventIntervalMillis,
            long startTimeMillis,
            long seed)
            implements Serializable {}
}
