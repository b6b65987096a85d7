package org.fedflink.eval;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A mergeable accumulator of classification metrics over a labelled set (e.g. a holdout): accuracy,
 * mean log loss, macro-F1, the confusion matrix and, for two classes, the exact ROC AUC.
 *
 * <p>Works on primitives (label, predicted class, score, loss) so it does not depend on how a model
 * computes them. Accumulators of disjoint parts of a set can be {@link #merge merged}; the result is
 * the same as adding all examples to one accumulator (up to floating-point summation order of the
 * loss).
 *
 * <h2>Macro-F1</h2>
 *
 * Per class {@code c}, with {@code tp}, {@code fp}, {@code fn} read off the confusion matrix,
 * {@code F1_c = 2 tp / (2 tp + fp + fn)}. A class with no true and no predicted example
 * ({@code tp + fp + fn == 0}) has an undefined F1 and is <b>left out of the mean</b>; every other
 * class counts, including one that only occurs as a prediction or only as a label (its F1 is 0).
 * This equals scikit-learn's {@code f1_score(y, y_hat, average="macro")} with the default
 * {@code labels=None} (which averages over the labels present in {@code y} or {@code y_hat}), and
 * {@code labels=range(classes)} with {@code zero_division=np.nan}; it does <b>not</b> equal
 * {@code labels=range(classes)} with the default {@code zero_division} ("warn", i.e. 0) or 1, which
 * count each absent class as 0 (or 1) in the mean. NaN when no example was added.
 *
 * <h2>AUC</h2>
 *
 * Binary only ({@code classes == 2}): the exact area under the ROC curve of the scores
 * {@code P(y = 1)}, i.e. the Mann–Whitney statistic {@code U / (n1 * n0)} where {@code U} counts
 * the (positive, negative) pairs in which the positive has the higher score, a tie counting 1/2.
 * To be exact it keeps every score: 8 bytes per binary example, e.g. 8 MB for a holdout of one
 * million, and sorts them (O(n log n)) when {@link #auc()} is called after new scores arrived.
 * Multiclass accumulators keep no scores.
 *
 * <p>Not thread-safe. Serializable (the confusion matrix, sums and scores are plain arrays).
 */
public final class ClassificationMetrics implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The largest number of scores one array can hold (the usual VM array-size headroom). */
    private static final int MAX_SCORES = Integer.MAX_VALUE - 8;

    private final int classes;
    /** classes x classes, row-major: row = true label, column = predicted class. */
    private final long[] confusion;
    private long examples;
    private double lossSum;

    /** Binary only: the scores of the examples with label 1, then of those with label 0. */
    private double[] positiveScores;
    private int positives;
    private double[] negativeScores;
    private int negatives;
    /** Binary examples that came without a score (NaN): the AUC is then undefined. */
    private long unscored;
    /** Whether the score arrays are sorted (cleared by every add or merge). */
    private boolean sorted;

    /** @throws IllegalArgumentException if {@code classes < 2} */
    public ClassificationMetrics(int classes) {
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, got " + classes);
        }
        if ((long) classes * classes > MAX_SCORES) {
            throw new IllegalArgumentException("classes is too large for a confusion matrix: " + classes);
        }
        this.classes = classes;
        this.confusion = new long[classes * classes];
        if (classes == 2) {
            positiveScores = new double[16];
            negativeScores = new double[16];
        }
        sorted = true;
    }

    /**
     * Adds one example.
     *
     * @param label the true class, in {@code [0, classes)}
     * @param predicted the predicted class, in {@code [0, classes)}
     * @param positiveProbability binary only: the model's score for class 1, e.g. {@code P(y = 1)}
     *     (any non-NaN value works, only the order matters for the AUC); NaN means "no score", which
     *     makes {@link #auc()} NaN. Ignored when {@code classes > 2} (pass NaN).
     * @param loss the example's loss (log loss in nats); NaN is rejected, +infinity is kept (it
     *     makes {@link #logLoss()} infinite, which is what happened)
     * @throws IllegalArgumentException if a class is out of range or the loss is NaN
     */
    public void add(int label, int predicted, double positiveProbability, double loss) {
        if (label < 0 || label >= classes) {
            throw new IllegalArgumentException("label " + label + " is outside [0, " + classes + ")");
        }
        if (predicted < 0 || predicted >= classes) {
            throw new IllegalArgumentException("predicted class " + predicted + " is outside [0, " + classes + ")");
        }
        if (Double.isNaN(loss)) {
            throw new IllegalArgumentException("loss must not be NaN");
        }
        if (classes == 2) {
            if (Double.isNaN(positiveProbability)) {
                unscored++;
            } else {
                // + 0.0 turns -0.0 into 0.0: Arrays.sort orders -0.0 before 0.0, but they are a tie
                double score = positiveProbability + 0.0;
                if (label == 1) {
                    positiveScores = append(positiveScores, positives, score);
                    positives++;
                } else {
                    negativeScores = append(negativeScores, negatives, score);
                    negatives++;
                }
                sorted = false;
            }
        }
        confusion[label * classes + predicted]++;
        examples++;
        lossSum += loss;
    }

    /**
     * Adds all examples of {@code other} to this accumulator ({@code other} is not changed).
     *
     * @throws IllegalArgumentException if the two have different numbers of classes
     */
    public void merge(ClassificationMetrics other) {
        if (other.classes != classes) {
            throw new IllegalArgumentException(
                    "cannot merge metrics of " + other.classes + " classes into metrics of " + classes + " classes");
        }
        if (other == this) {
            throw new IllegalArgumentException("cannot merge metrics into themselves");
        }
        for (int i = 0; i < confusion.length; i++) {
            confusion[i] += other.confusion[i];
        }
        examples += other.examples;
        lossSum += other.lossSum;
        if (classes == 2) {
            positiveScores = appendAll(positiveScores, positives, other.positiveScores, other.positives);
            positives += other.positives;
            negativeScores = appendAll(negativeScores, negatives, other.negativeScores, other.negatives);
            negatives += other.negatives;
            unscored += other.unscored;
            sorted = sorted && other.positives == 0 && other.negatives == 0;
        }
    }

    public int classes() {
        return classes;
    }

    /** Number of examples added (including merged ones). */
    public long examples() {
        return examples;
    }

    /** Fraction of examples whose predicted class is the label; NaN when empty. */
    public double accuracy() {
        if (examples == 0) {
            return Double.NaN;
        }
        long correct = 0;
        for (int c = 0; c < classes; c++) {
            correct += confusion[c * classes + c];
        }
        return (double) correct / examples;
    }

    /** Mean loss per example (log loss in nats when the caller passed log losses); NaN when empty. */
    public double logLoss() {
        return examples == 0 ? Double.NaN : lossSum / examples;
    }

    /**
     * F1 of class {@code c}: {@code 2 tp / (2 tp + fp + fn)}, NaN when the class has no true and no
     * predicted example.
     */
    public double f1(int c) {
        if (c < 0 || c >= classes) {
            throw new IllegalArgumentException("class " + c + " is outside [0, " + classes + ")");
        }
        long tp = confusion[c * classes + c];
        long trueCount = 0;
        long predictedCount = 0;
        for (int k = 0; k < classes; k++) {
            trueCount += confusion[c * classes + k];
            predictedCount += confusion[k * classes + c];
        }
        // 2 tp + fp + fn = (tp + fn) + (tp + fp)
        long denominator = trueCount + predictedCount;
        return denominator == 0 ? Double.NaN : 2.0 * tp / denominator;
    }

    /**
     * Mean of {@link #f1(int)} over the classes that occur as a label or a prediction (see the class
     * comment for how this relates to scikit-learn); NaN when empty.
     */
    public double macroF1() {
        double sum = 0;
        int counted = 0;
        for (int c = 0; c < classes; c++) {
            double f1 = f1(c);
            if (!Double.isNaN(f1)) {
                sum += f1;
                counted++;
            }
        }
        return counted == 0 ? Double.NaN : sum / counted;
    }

    /**
     * The exact ROC AUC of the binary scores (ties count 1/2). NaN when {@code classes > 2}, when an
     * example came without a score, or when the scored examples lack one of the two classes.
     */
    public double auc() {
        if (classes != 2 || unscored > 0 || positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        if (!sorted) {
            Arrays.sort(positiveScores, 0, positives);
            Arrays.sort(negativeScores, 0, negatives);
            sorted = true;
        }
        // Walk both sorted lists by distinct score; twiceU counts each winning pair 2 and each tie 1.
        // Exact in a long: n1, n0 < 2^31, so twiceU <= 2 * n1 * n0 < 2^63.
        long twiceU = 0;
        int i = 0;
        int j = 0;
        while (i < positives) {
            double v = positiveScores[i];
            int tiedPositives = 0;
            while (i < positives && positiveScores[i] == v) {
                i++;
                tiedPositives++;
            }
            while (j < negatives && negativeScores[j] < v) {
                j++;
            }
            int below = j;
            int tiedNegatives = 0;
            while (j < negatives && negativeScores[j] == v) {
                j++;
                tiedNegatives++;
            }
            twiceU += tiedPositives * (2L * below + tiedNegatives);
        }
        return twiceU / (2.0 * positives * negatives);
    }

    /** Binary examples added without a score (NaN probability); 0 for multiclass. */
    public long unscoredExamples() {
        return unscored;
    }

    /** A copy of the confusion matrix: {@code [trueLabel][predictedClass]} counts. */
    public long[][] confusion() {
        long[][] out = new long[classes][];
        for (int c = 0; c < classes; c++) {
            out[c] = Arrays.copyOfRange(confusion, c * classes, (c + 1) * classes);
        }
        return out;
    }

    private static double[] append(double[] array, int size, double value) {
        double[] a = size < array.length ? array : grow(array, size + 1);
        a[size] = value;
        return a;
    }

    private static double[] appendAll(double[] array, int size, double[] more, int moreSize) {
        if (moreSize == 0) {
            return array;
        }
        double[] a = size + (long) moreSize <= array.length ? array : grow(array, size + (long) moreSize);
        System.arraycopy(more, 0, a, size, moreSize);
        return a;
    }

    private static double[] grow(double[] array, long minLength) {
        if (minLength > MAX_SCORES) {
            throw new IllegalStateException("too many scored examples for an exact auc: " + minLength);
        }
        long length = Math.max(minLength, array.length + (array.length >> 1) + 16L);
        return Arrays.copyOf(array, (int) Math.min(length, MAX_SCORES));
    }
}
