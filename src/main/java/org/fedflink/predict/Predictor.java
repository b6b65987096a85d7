package org.fedflink.predict;

import org.fedflink.artifact.SavedModel;
import org.fedflink.data.Example;
import org.fedflink.model.Model;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;

/**
 * Scores examples with one parameter vector. The predicted class is {@link Model#predict}'s, the
 * same call the job's holdout evaluation makes, so a class here is the class the holdout accuracy
 * counted.
 *
 * <p>Examples must be valid for the model (checked with {@link org.fedflink.data.ExampleValidator})
 * and scaled as the training input was. Not thread-safe (a multilayer perceptron keeps scratch
 * buffers): one per thread.
 */
public final class Predictor {

    private final Model model;
    private final float[] params;
    private final boolean binary;

    /**
     * @throws IllegalArgumentException when {@code params} does not have {@code spec.numParams()} values
     */
    public Predictor(ModelSpec spec, float[] params) {
        if (params == null || params.length != spec.numParams()) {
            throw new IllegalArgumentException("params must have " + spec.numParams() + " values for " + spec
                    + ", got " + (params == null ? "none" : params.length));
        }
        this.model = Model.of(spec);
        this.params = params;
        this.binary = spec.type() == ModelType.LOGISTIC;
    }

    public static Predictor of(SavedModel saved) {
        return new Predictor(saved.spec(), saved.params());
    }

    public ModelSpec spec() {
        return model.spec();
    }

    /** The model, for scoring with {@link org.fedflink.eval.Evaluator} on this predictor's thread. */
    public Model model() {
        return model;
    }

    /** The parameters (shared, not copied). */
    public float[] params() {
        return params;
    }

    /** The prediction for one (valid, scaled) example. */
    public Prediction predict(Example example) {
        double value = model.predict(params, example.indices(), example.values());
        if (!model.spec().isClassifier()) {
            return new Prediction(value, Double.NaN, new double[0]);
        }
        double[] out = new double[model.spec().outputs()];
        model.probabilities(params, example.indices(), example.values(), out);
        double[] probabilities = binary ? new double[] {1 - out[0], out[0]} : out;
        int predicted = (int) value;
        return new Prediction(value, probabilities[predicted], probabilities);
    }

    @Override
    public String toString() {
        return "Predictor[" + model.spec() + "]";
    }
}
