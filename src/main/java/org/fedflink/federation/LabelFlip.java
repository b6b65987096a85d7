package org.fedflink.federation;

/**
 * The label-flipping data-poisoning attack (e.g. Fang et al., USENIX Security 2020; Tolpegin et
 * al., ESORICS 2020): a Byzantine source trains on {@code classes - 1 - c} instead of class
 * {@code c}, so 0 and {@code classes - 1} swap, 1 and {@code classes - 2}, and so on (for
 * logistic regression, 0 and 1). Deterministic; applied by the trainer to the labels of the
 * examples of a Byzantine source before it learns from them. Create via {@link Attacks#labelFlip}.
 *
 * @param classes number of classes; {@code >= 2}
 */
public record LabelFlip(int classes) implements java.io.Serializable {

    /** @throws IllegalArgumentException if {@code classes < 2} */
    public LabelFlip {
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, got " + classes);
        }
    }

    /**
     * The flipped class of {@code label}.
     *
     * @throws IllegalArgumentException if {@code label} is not in {@code [0, classes)}
     */
    public int flip(int label) {
        if (label < 0 || label >= classes) {
            throw new IllegalArgumentException("label must be in [0, " + classes + "), got " + label);
        }
        return classes - 1 - label;
    }

    /**
     * The flipped class of a label stored as a number (as {@code Example.label}).
     *
     * @throws IllegalArgumentException if {@code label} is not a whole number in {@code [0, classes)}
     */
    public double flip(double label) {
        if (label != Math.rint(label) || label < 0 || label >= classes) {
            throw new IllegalArgumentException(
                    "label must be a class index in [0, " + classes + "), got " + label);
        }
        return flip((int) label);
    }
}
