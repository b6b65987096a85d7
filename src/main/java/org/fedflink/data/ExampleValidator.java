package org.fedflink.data;

import java.io.Serializable;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;

/**
 * The validity rules every example must pass before it reaches a trainer, whatever its origin.
 *
 * <ul>
 *   <li>the source is non-null and not blank;
 *   <li>dense: exactly {@code spec.features()} values; sparse: indices and values of equal length,
 *       indices in {@code [0, features)} and strictly increasing;
 *   <li>every feature value and the label are finite;
 *   <li>softmax and MLP: the label is an integer in {@code [0, classes)}; logistic: 0 or 1; linear: any
 *       finite label.
 * </ul>
 *
 * <p>The timestamp is not checked ({@link JsonLineParser#NO_TIMESTAMP} is legal). {@link #check}
 * does not allocate on the valid path. Serializable (holds only the type, dimension and class
 * count, not the {@link ModelSpec}), immutable and thread-safe.
 */
public final class ExampleValidator implements Serializable {

    private static final long serialVersionUID = 1L;

    private final ModelType type;
    private final int features;
    /** Number of classes for classifiers (2 for logistic), 0 for linear regression. */
    private final int classes;

    public ExampleValidator(ModelSpec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("model spec is required");
        }
        this.type = spec.type();
        this.features = spec.features();
        this.classes = switch (spec.type()) {
            case LINEAR -> 0;
            case LOGISTIC -> 2;
            case SOFTMAX, MLP -> spec.classes();
        };
    }

    /** @return {@code null} when valid, else the reason (one line) */
    public String check(Example example) {
        if (example == null) {
            return "example is null";
        }
        String source = example.source();
        if (source == null) {
            return "missing source";
        }
        if (source.isBlank()) {
            return source.isEmpty() ? "source is empty" : "source is blank";
        }
        ByteValues bytes = example.bytes();
        if (bytes != null) {
            // every byte stands for a finite value (ByteValues.Scale)
            return bytes.length() != features ? "expected " + features + " features, got " + bytes.length()
                    : checkLabel(example.label());
        }
        float[] values = example.values();
        if (values == null) {
            return "missing feature values";
        }
        int[] indices = example.indices();
        if (indices == null) {
            if (values.length != features) {
                return "expected " + features + " features, got " + values.length;
            }
            for (int i = 0; i < values.length; i++) {
                if (!Float.isFinite(values[i])) {
                    return "feature " + i + " is not a finite number (" + values[i] + ")";
                }
            }
        } else {
            if (indices.length != values.length) {
                return "indices and values differ in length (" + indices.length + " vs " + values.length + ")";
            }
            int prev = -1;
            for (int i = 0; i < indices.length; i++) {
                int index = indices[i];
                if (index < 0) {
                    return "feature index " + index + " is negative (indices[" + i + "])";
                }
                if (index >= features) {
                    return "feature index " + index + " is out of range [0, " + features + ") (indices[" + i + "])";
                }
                if (index <= prev) {
                    return "indices are not strictly increasing at indices[" + i + "] (" + index + " after " + prev
                            + ")";
                }
                prev = index;
                if (!Float.isFinite(values[i])) {
                    return "feature " + index + " is not a finite number (" + values[i] + ")";
                }
            }
        }
        return checkLabel(example.label());
    }

    private String checkLabel(double label) {
        if (!Double.isFinite(label)) {
            return "label is not a finite number (" + label + ")";
        }
        if (type != ModelType.LINEAR) {
            if (label != Math.rint(label)) {
                return "label " + label + " is not an integer class";
            }
            if (label < 0 || label >= classes) {
                return "label " + formatLabel(label) + " is out of range [0, " + classes + ")";
            }
        }
        return null;
    }

    /** Whether {@link #check} returns {@code null}. */
    public boolean isValid(Example example) {
        return check(example) == null;
    }

    private static String formatLabel(double label) {
        return Math.abs(label) < 0x1p53 ? Long.toString((long) label) : Double.toString(label);
    }
}
