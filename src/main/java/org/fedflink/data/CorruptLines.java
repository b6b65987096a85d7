package org.fedflink.data;

import java.io.Serializable;

/**
 * The malformed records of {@link SyntheticGenerator}'s stream, as a bad producer might send them:
 * which indices are corrupt (about {@code corruptFraction} of them) and the damaged JSON line of
 * each, in one of {@value #CORRUPT_SHAPES} shapes. Both come from streams of their own, so the
 * example content does not depend on the fraction, and the shapes are chosen by the index alone.
 *
 * <p>Every shape is one that {@link JsonLineParser#parse} or an {@link ExampleValidator} for the
 * generator's model rejects: the job's dead-letter path is what they exercise.
 */
final class CorruptLines implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Number of corrupt-line shapes. */
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

    private final boolean classifier;
    /** Number of classes (classifiers), 0 for LINEAR. */
    private final int classes;
    private final long corruptKey;
    private final long corruptSalt;
    private final long shapeKey;
    private final long shapeSalt;
    /** isCorrupt(i) iff the index's 53-bit uniform is below this. */
    private final long corruptThreshold;

    /**
     * @param corruptKeys the stream keys that pick the corrupt indices ({@link SplitMix64#streamKeys})
     * @param shapeKeys the stream keys that pick and fill each one's shape
     * @param classes the number of classes, 0 for LINEAR
     */
    CorruptLines(long[] corruptKeys, long[] shapeKeys, double corruptFraction, boolean classifier, int classes) {
        this.classifier = classifier;
        this.classes = classes;
        this.corruptKey = corruptKeys[0];
        this.corruptSalt = corruptKeys[1];
        this.shapeKey = shapeKeys[0];
        this.shapeSalt = shapeKeys[1];
        this.corruptThreshold = (long) (corruptFraction * 0x1p53);
    }

    /** Whether the i-th record of the stream is a malformed one. */
    boolean isCorrupt(long index) {
        long u = SplitMix64.mix64(SplitMix64.streamSeed(corruptKey, corruptSalt, index) + SplitMix64.GOLDEN) >>> 11;
        return u < corruptThreshold;
    }

    /** The shape {@link #line} uses for index i. */
    int shape(long index) {
        return shapeStream(index).nextInt(CORRUPT_SHAPES);
    }

    /** The i-th record's line: {@code e}, the i-th example, written as JSON and damaged. */
    String line(Example e, long index) {
        SplitMix64 r = shapeStream(index);
        int shape = r.nextInt(CORRUPT_SHAPES);
        return damaged(e, shape, r);
    }

    /** Index i's stream: its first draw is the shape, the rest fill it in. */
    private SplitMix64 shapeStream(long index) {
        return new SplitMix64(SplitMix64.streamSeed(shapeKey, shapeSalt, index));
    }

    private String damaged(Example e, int shape, SplitMix64 r) {
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
}
