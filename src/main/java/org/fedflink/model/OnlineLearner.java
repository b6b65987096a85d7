package org.fedflink.model;

/**
 * Predict-then-train on one example: the model and optimizer of one learner, plus a reusable
 * gradient buffer. A {@link LinearModel} trains through the row-wise {@link LocalOptimizer#step};
 * a {@link GradientModel} through its fused {@link GradientModel#lossAndSgdStep} when the optimizer
 * is plain {@link Sgd}, else through {@link LocalOptimizer#applyGradient} on its full gradient, and
 * takes its prediction from the same forward pass ({@link GradientModel#lastPrediction}). Nothing
 * is allocated per example but the returned outcome. Not thread-safe (one per operator instance;
 * the model may itself hold scratch buffers).
 */
public final class OnlineLearner {

    private final Model model;
    private final LocalOptimizer optimizer;
    /** Set for a linear model, else null. */
    private final LinearModel linear;
    private final double[] outputGradient;
    /** The prediction a linear model made before its step (one slot, reused). */
    private final double[] predicted = new double[1];
    /** Set for a gradient model, else null. */
    private final GradientModel nonLinear;
    /** Set when a gradient model is trained by another optimizer than plain SGD, else null. */
    private final float[] gradient;
    /** The plain SGD optimizer that a gradient model applies itself, else null. */
    private final Sgd fusedSgd;
    /** A gradient model's gradient for {@link #accumulateStep} when {@code gradient} is null; lazy. */
    private float[] scratch;

    /**
     * @throws IllegalArgumentException if either argument is null, or the model is neither a
     *     {@link LinearModel} nor a {@link GradientModel}
     */
    public OnlineLearner(Model model, LocalOptimizer optimizer) {
        if (model == null) {
            throw new IllegalArgumentException("model is required");
        }
        if (optimizer == null) {
            throw new IllegalArgumentException("optimizer is required");
        }
        this.model = model;
        this.optimizer = optimizer;
        if (model instanceof LinearModel l) {
            this.linear = l;
            this.outputGradient = new double[model.spec().outputs()];
            this.nonLinear = null;
            this.gradient = null;
            this.fusedSgd = null;
        } else if (model instanceof GradientModel g) {
            this.linear = null;
            this.outputGradient = null;
            this.nonLinear = g;
            // plain SGD needs no gradient array: the model applies the step as it back-propagates
            this.fusedSgd = optimizer instanceof Sgd sgd ? sgd : null;
            this.gradient = fusedSgd == null ? new float[model.spec().numParams()] : null;
        } else {
            throw new IllegalArgumentException(
                    "model must be a LinearModel or a GradientModel, got " + model.getClass().getName());
        }
    }

    public Model model() {
        return model;
    }

    public LocalOptimizer optimizer() {
        return optimizer;
    }

    /** Parameters of a fresh learner: {@link #initialParams(long)} with seed 0. */
    public float[] initialParams() {
        return initialParams(0L);
    }

    /**
     * Parameters of a fresh learner, {@link Model#initialParams(long)}: zeros for the linear
     * models, random weights drawn from {@code seed} for a multilayer perceptron. In federated
     * training the seed must be a job-level constant, the same for every source and for the
     * global model, since all of them must start from the same parameters.
     */
    public float[] initialParams(long seed) {
        return model.initialParams(seed);
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
        double prediction;
        double loss;
        if (linear != null) {
            loss = linear.lossGradientAndPrediction(params, indices, values, label, outputGradient, predicted);
            prediction = predicted[0];
            optimizer.step(params, state, step, model.spec(), indices, values, outputGradient);
        } else if (fusedSgd != null) {
            if (state.length != 0) {
                throw new IllegalArgumentException("optimizer state has length " + state.length + " but 0 is required");
            }
            loss = nonLinear.lossAndSgdStep(params, indices, values, label, fusedSgd.rate().at(step));
            prediction = nonLinear.lastPrediction();
        } else {
            loss = nonLinear.lossAndGradient(params, indices, values, label, gradient);
            prediction = nonLinear.lastPrediction();
            optimizer.applyGradient(params, state, step, gradient);
        }
        boolean correct = model.spec().isClassifier() && prediction == label;
        return new Outcome(loss, correct, prediction);
    }

    /**
     * FedSGD's local work: predicts the example with {@code params} and adds the plain SGD step
     * the example's gradient at {@code params} asks for, {@code -learningRate(step) * gradient}, to
     * {@code target}, leaving {@code params} (the global model) unchanged. Only for an optimizer
     * without state (plain SGD); the sum of these steps over a source's examples, divided by
     * their number, is the source's share of one large-batch gradient step.
     *
     * @throws IllegalStateException if the optimizer keeps state (momentum, Adagrad, FTRL)
     */
    public Outcome accumulateStep(float[] params, long step, int[] indices, float[] values, double label,
            float[] target) {
        if (!(optimizer instanceof Sgd)) {
            throw new IllegalStateException("gradient accumulation needs plain SGD, got " + optimizer);
        }
        if (target.length != params.length) {
            throw new IllegalArgumentException("target has length " + target.length + " but the model has "
                    + params.length + " parameters");
        }
        double lr = optimizer.learningRate(step);
        double prediction;
        double loss;
        if (linear != null) {
            loss = linear.lossGradientAndPrediction(params, indices, values, label, outputGradient, predicted);
            prediction = predicted[0];
            Sgd.addStep(params, target, lr, model.spec(), indices, values, outputGradient);
        } else {
            float[] g = gradient != null ? gradient : scratchGradient();
            loss = nonLinear.lossAndGradient(params, indices, values, label, g);
            prediction = nonLinear.lastPrediction();
            for (int p = 0; p < target.length; p++) {
                target[p] = (float) (target[p] - lr * g[p]);
            }
        }
        boolean correct = model.spec().isClassifier() && prediction == label;
        return new Outcome(loss, correct, prediction);
    }

    /**
     * FedProx's proximal pull after a step: {@code params -= learningRate(step) * mu * (params -
     * reference)} on every coordinate, the gradient step of {@code (mu / 2) ||params -
     * reference||^2}. Decoupled from the optimizer (applied with its step size, not through its
     * state), so it works alike for every optimizer and model.
     */
    public void proximalStep(float[] params, float[] reference, long step, double mu) {
        // the job spec keeps learningRate * mu below 1: a larger pull would overshoot the reference
        double factor = optimizer.learningRate(step) * mu;
        for (int p = 0; p < params.length; p++) {
            params[p] = (float) (params[p] - factor * (params[p] - reference[p]));
        }
    }

    /**
     * SCAFFOLD's correction after a step: {@code params -= learningRate(step) * (serverControl -
     * sourceControl)}, so that the local steps follow {@code gradient - c_i + c} (Karimireddy et al.
     * 2020, Algorithm 1, line 10). Returns the step size used, which the caller sums to form the
     * source's new control variate.
     */
    public double controlStep(float[] params, float[] serverControl, float[] sourceControl, long step) {
        double lr = optimizer.learningRate(step);
        for (int p = 0; p < params.length; p++) {
            params[p] = (float) (params[p] - lr * (serverControl[p] - sourceControl[p]));
        }
        return lr;
    }

    private float[] scratchGradient() {
        if (scratch == null) {
            scratch = new float[model.spec().numParams()];
        }
        return scratch;
    }

    /** Loss, correctness and value of the prediction made before a training step. */
    public record Outcome(double loss, boolean correct, double prediction) {}
}
