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
 * Drawn from the seed, the concept in the constructor and each source's parameters when first
 * needed (each part from its own seed-derived stream, so e.g. the class means do not change when
 * the number of sources does; source {@code s}'s parameters do not depend on the number of sources
 * either, nor on when they are drawn):
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
 * <p>Serializable: the concept is held in plain arrays, precomputed once; a source's parameters
 * are drawn when its examples need them (so the number of sources costs no memory); all methods
 * are thread-safe.
 *
 * <p>This class owns the seeding (one stream family per part, as above) and the record emission;
 * the parts are {@link PlantedModel} (the concept), {@link SyntheticSources} (the non-IID sources)
 * and {@link CorruptLines} (the malformed records).
 */
public final class SyntheticGenerator implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Upper bound on the number of precomputed model entries (the class means or planted weights). */
    static final long MAX_MODEL_ENTRIES = 1L << 25;

    // the stream families of a seed: fixed numbers, so a part's draws do not move when another
    // part changes (fixed seeds are relied on by tests and benchmarks)
    private static final long FAMILY_MEANS = 1;
    private static final long FAMILY_WEIGHTS = 2;
    private static final long FAMILY_SOURCES = 3;
    private static final long FAMILY_STREAM = 4;
    private static final long FAMILY_HOLDOUT = 5;
    private static final long FAMILY_CORRUPT = 6;
    private static final long FAMILY_SHAPE = 7;

    private final Config config;
    private final boolean classifier;
    private final int features;
    /** Number of classes (classifiers), 0 for LINEAR. */
    private final int classes;
    private final int sourceCount;
    private final double noise;
    private final long startTimeMillis;
    private final long eventIntervalMillis;

    private final PlantedModel planted;
    private final SyntheticSources sources;
    private final CorruptLines corrupt;

    private final long streamKey;
    private final long streamSalt;
    private final long holdoutKey;
    private final long holdoutSalt;

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
        this.sourceCount = config.sources();
        this.noise = config.noise();
        this.startTimeMillis = config.startTimeMillis();
        this.eventIntervalMillis = config.eventIntervalMillis();
        long seed = config.seed();
        double scale = config.classSeparation() / Math.sqrt(features);
        this.planted = classifier
                ? PlantedModel.classMeans(classes, features, scale, new SplitMix64(streamKeys(seed, FAMILY_MEANS)[0]))
                : PlantedModel.linear(features, scale, new SplitMix64(streamKeys(seed, FAMILY_WEIGHTS)[0]));
        this.sources = new SyntheticSources(sourceCount, features, classes, config.labelSkew(), config.featureShift(),
                streamKeys(seed, FAMILY_SOURCES));
        long[] k = streamKeys(seed, FAMILY_STREAM);
        streamKey = k[0];
        streamSalt = k[1];
        k = streamKeys(seed, FAMILY_HOLDOUT);
        holdoutKey = k[0];
        holdoutSalt = k[1];
        this.corrupt = new CorruptLines(streamKeys(seed, FAMILY_CORRUPT), streamKeys(seed, FAMILY_SHAPE),
                config.corruptFraction(), classifier, classes);
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
        long entries = (long) c.features() * classes;
        if (entries > MAX_MODEL_ENTRIES) {
            throw new IllegalArgumentException("features x classes is too large: " + c.features() + " x " + classes
                    + " exceeds " + MAX_MODEL_ENTRIES + " model entries");
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

    /** The name of source {@code s}: {@code "source-" + s}. */
    public String sourceName(int s) {
        return sources.source(s).name();
    }

    /** The class mix {@code pi_s} of source {@code s} (a copy; classifiers only). */
    public double[] classMix(int s) {
        if (!classifier) {
            throw new IllegalStateException("linear regression has no classes");
        }
        return sources.source(s).classMix().clone();
    }

    /** The index of the source of the i-th example of the stream (its first draw; cheap). */
    public int sourceIndex(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, got " + index);
        }
        return new SplitMix64(SplitMix64.streamSeed(streamKey, streamSalt, index)).nextInt(sourceCount);
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

    // The draws of one example, in this order: its source, its class (classifiers), then one
    // gaussian per feature (and the label noise for LINEAR). sourceIndex relies on the source
    // being the first draw; reordering would change every seeded stream.
    private Example generate(long seed, long timestamp) {
        SplitMix64 r = new SplitMix64(seed);
        int s = r.nextInt(sourceCount);
        int d = features;
        float[] x = new float[d];
        SyntheticSources.Source source = sources.source(s);
        double[] shifts = source.shifts();
        double label;
        if (classifier) {
            int y = source.drawClass(r.nextDouble());
            double[] means = planted.means;
            int meanBase = y * d;
            for (int j = 0; j < d; j++) {
                x[j] = (float) (means[meanBase + j] + shifts[j] + noise * r.nextGaussian());
            }
            label = y;
        } else {
            double[] weights = planted.weights;
            double dot = planted.bias;
            for (int j = 0; j < d; j++) {
                float v = (float) (shifts[j] + r.nextGaussian());
                x[j] = v;
                dot += weights[j] * v;
            }
            label = dot + noise * r.nextGaussian();
        }
        return new Example(source.name(), timestamp, label, null, x);
    }

    /** Whether the i-th record of the stream is a malformed one (drawn with {@code corruptFraction}). */
    public boolean isCorrupt(long index) {
        return corrupt.isCorrupt(index);
    }

    /**
     * A malformed JSON line for the i-th record, as a bad producer might send: the i-th example
     * written as JSON and damaged in one of {@value CorruptLines#CORRUPT_SHAPES} ways chosen
     * deterministically by {@code i}: truncated JSON; one feature too few or too many; a feature that
     * is {@code NaN}, {@code Infinity}, a string, {@code null} or overflows a float; no label; a label
     * out of range (a class outside {@code [0, classes)} for classifiers, a label overflowing to
     * infinity for LINEAR); a non-numeric label (string, boolean, null, array). Each one is rejected
     * by {@link JsonLineParser#parse} or by {@link ExampleValidator#check} (wrong feature count, class
     * out of range) for this generator's model.
     */
    public String corruptLine(long index) {
        return corrupt.line(example(index), index);
    }

    /** The shape {@link #corruptLine(long)} uses for index i (for tests). */
    int corruptShape(long index) {
        return corrupt.shape(index);
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
        return planted.score(examples);
    }

    /**
     * The planted model's prediction for one example: the class of the nearest-class-mean rule
     * (classifiers) or {@code w*.x + b*} (LINEAR). Works for dense and sparse examples.
     */
    public double plantedPrediction(Example e) {
        return planted.prediction(e);
    }

    /** Generator configuration. */
    public record Config(
            ModelType type,
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
