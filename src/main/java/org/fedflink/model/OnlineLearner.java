package org.fedflink.model;

/**
 * Predict-then-train on one example: the model and optimizer of one learner, plus a reusable
 * gradient buffer. Not thread-safe (one per operator instance).
 */
public final class OnlineLearner {

    private final Model model;
    private final LocalOptimizer optimizer;
    private final double[] outputGradient;

    public OnlineLearner(Model model, LocalOptimizer optimizer) {
        this.model = model;
        this.optimizer = optimizer;
        this.outputGradient = new double[model.spec().outputs()];
    }

    public Model model() {
        return model;
    }

    public LocalOptimizer optimizer() {
        return optimizer;
    }

    /** Parameters of a fresh learner (all zeros). */
    public float[] initialParams() {
        return new float[model.spec().numParams()];
    }

    /** Optimizer state of a fresh learner. */
    public float[] initialState() {
        return new float[optimizer.stateSize(model.spec().numParams())];
    }

    /**
     * Predicts the example with the current parameters, then takes one optimizer step.
     *
     * @return the prequential outcome (loss and correctness before the step)
     */
    public Outcome learn(float[] params, float[] state, long step, int[] indices, float[] values, double label) {
        double prediction = model.predict(params, indices, values);
        double loss = model.lossAndOutputGradient(params, indices, values, label, outputGradient);
        optimizer.step(params, state, step, model.spec(), indices, values, outputGradient);
        boolean correct = model.spec().isClassifier() && prediction == label;
        return new Outcome(loss, correct);
    }

    /** Loss and correctness of the prediction made before a training step. */
    public record Outcome(double loss, boolean correct) {}
}
