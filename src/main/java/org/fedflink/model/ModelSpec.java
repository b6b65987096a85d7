package org.fedflink.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The shape of a model: type, input dimension, number of classes, L2 strength and, for a
 * multilayer perceptron, the hidden layer sizes.
 *
 * <p>Parameter layout (shared by every model, trainer, aggregator and file format) is built from
 * one convention, the <em>row</em>: a layer with {@code in} inputs and {@code out} outputs is
 * {@code out} rows, each holding the {@code in} weights followed by one bias, so weight {@code j}
 * of output {@code k} is at {@code k * (in + 1) + j} and the bias of output {@code k} at
 * {@code k * (in + 1) + in}, relative to the start of the layer.
 *
 * <ul>
 *   <li>Linear and logistic models are one layer {@code features -> 1}; softmax is one layer
 *       {@code features -> classes}.
 *   <li>{@link ModelType#MLP} is its layers one after another, {@code features -> hidden[0]},
 *       ({@code hidden[0] -> hidden[1]},) {@code hidden[last] -> classes}, each laid out in rows
 *       as above and starting right after the previous one; {@link #layerOffset(int)} gives the
 *       starts. So the first layer occupies the same positions as a softmax with
 *       {@code hidden[0]} classes would.
 * </ul>
 *
 * <p>Immutable and serializable ({@code hidden} is an unmodifiable copy).
 *
 * @param type the model
 * @param features input dimension, {@code >= 1}
 * @param classes number of classes ({@code >= 2} for softmax and MLP, 2 for logistic, ignored for
 *     linear)
 * @param l2 L2 regularisation strength applied to weights (never biases); finite and {@code >= 0}
 * @param hidden hidden layer sizes from input to output: one or two sizes {@code >= 1} for MLP,
 *     empty for the linear types
 */
public record ModelSpec(ModelType type, int features, int classes, double l2, List<Integer> hidden)
        implements java.io.Serializable {

    /** Largest number of parameters: the largest Java array. */
    static final long MAX_PARAMS = Integer.MAX_VALUE - 8;

    /**
     * @throws IllegalArgumentException if a value is out of range, {@code hidden} is null or has
     *     null elements, {@code hidden} is non-empty for a linear type, or an MLP has not one or
     *     two hidden layers or more parameters than an array can hold
     */
    public ModelSpec {
        if (type == null) {
            throw new IllegalArgumentException("model type is required");
        }
        if (features < 1) {
            throw new IllegalArgumentException("features must be >= 1, got " + features);
        }
        if (type == ModelType.SOFTMAX && classes < 2) {
            throw new IllegalArgumentException("softmax needs classes >= 2, got " + classes);
        }
        if (l2 < 0 || !Double.isFinite(l2)) {
            throw new IllegalArgumentException("l2 must be finite and >= 0, got " + l2);
        }
        if (hidden == null) {
            throw new IllegalArgumentException("hidden is required (an empty list for the linear types)");
        }
        for (Integer size : hidden) {
            if (size == null || size < 1) {
                throw new IllegalArgumentException("hidden layer sizes must be >= 1, got " + hidden);
            }
        }
        hidden = List.copyOf(hidden);
        if (type == ModelType.MLP) {
            if (hidden.size() < 1 || hidden.size() > 2) {
                throw new IllegalArgumentException("mlp needs 1 or 2 hidden layers, got " + hidden);
            }
            if (classes < 2) {
                throw new IllegalArgumentException("mlp needs classes >= 2, got " + classes);
            }
            long params = mlpParams(features, hidden, classes);
            if (params > MAX_PARAMS) {
                throw new IllegalArgumentException("mlp has " + params + " parameters, more than the "
                        + MAX_PARAMS + " an array can hold");
            }
        } else if (!hidden.isEmpty()) {
            throw new IllegalArgumentException("hidden must be empty for a " + type + " model, got " + hidden);
        }
    }

    /** A linear-type spec (no hidden layers); for {@link ModelType#MLP} this throws, use the full constructor. */
    public ModelSpec(ModelType type, int features, int classes, double l2) {
        this(type, features, classes, l2, List.of());
    }

    /** Number of outputs: 1 for linear and logistic, {@code classes} for softmax and MLP. */
    public int outputs() {
        return type == ModelType.SOFTMAX || type == ModelType.MLP ? classes : 1;
    }

    /**
     * Length of one row of the first layer: the {@code features} weights and the bias. For the
     * linear types that is the only layer, which the row-wise {@link LocalOptimizer#step} relies on.
     */
    public int rowLength() {
        return features + 1;
    }

    /**
     * Unit counts from input to output: {@code [features, hidden..., outputs()]}; for the linear
     * types {@code [features, outputs()]}. Layer {@code l} (0-based) maps {@code sizes[l]} inputs
     * to {@code sizes[l + 1]} outputs.
     */
    public List<Integer> layerSizes() {
        List<Integer> sizes = new ArrayList<>(hidden.size() + 2);
        sizes.add(features);
        sizes.addAll(hidden);
        sizes.add(outputs());
        return List.copyOf(sizes);
    }

    /** Number of layers: {@code hidden().size() + 1}. */
    public int layers() {
        return hidden.size() + 1;
    }

    /**
     * Index of the first parameter of layer {@code layer} (0-based); {@code layerOffset(layers())}
     * is {@link #numParams()}.
     *
     * @throws IllegalArgumentException if {@code layer} is not in {@code [0, layers()]}
     */
    public int layerOffset(int layer) {
        if (layer < 0 || layer > layers()) {
            throw new IllegalArgumentException("layer must be in [0, " + layers() + "], got " + layer);
        }
        long offset = 0;
        int in = features;
        for (int l = 0; l < layer; l++) {
            int out = l < hidden.size() ? hidden.get(l) : outputs();
            offset += (in + 1L) * out;
            in = out;
        }
        return (int) offset;
    }

    /** Total number of parameters: the sum over layers of {@code (in + 1) * out}. */
    public int numParams() {
        return type == ModelType.MLP ? (int) mlpParams(features, hidden, classes) : outputs() * rowLength();
    }

    /** Whether labels are classes (accuracy is defined) rather than real values. */
    public boolean isClassifier() {
        return type != ModelType.LINEAR;
    }

    private static long mlpParams(int features, List<Integer> hidden, int classes) {
        long total = 0;
        long in = features;
        for (int size : hidden) {
            total += (in + 1) * size;
            in = size;
        }
        return total + (in + 1) * classes;
    }
}
