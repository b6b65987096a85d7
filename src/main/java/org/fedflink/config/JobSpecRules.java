package org.fedflink.config;

import org.fedflink.config.InputOutputSections.InputSpec;
import org.fedflink.config.JobSpec.AggregationSpec;
import org.fedflink.config.JobSpec.ModelSection;
import org.fedflink.federation.AggregationStrategy;
import org.fedflink.federation.MultiKrum;
import org.fedflink.model.Ftrl;
import org.fedflink.model.ModelType;

/**
 * The rules that relate job spec keys to each other, applied after {@link SpecBinder} has checked
 * each key on its own against {@link JobSpecKeys}; the input and output sections' rules are in
 * {@link InputOutputRules}. A key left unset because its value depends on other keys is resolved
 * after the checks of its section, so that checks see the spec as written.
 */
final class JobSpecRules {
    /** Largest number of model parameters: the largest Java array. */
    static final long MAX_PARAMS = Integer.MAX_VALUE - 8;

    private JobSpecRules() {}

    /** Applies the rules that relate keys to each other, and normalises keys that do not apply. */
    static JobSpec finish(JobSpec spec) throws JobSpecException {
        checkModel(spec.model());
        ModelSection model = resolveModel(spec.model());
        InputOutputRules.checkInput(spec.input(), model);
        InputSpec input = InputOutputRules.resolveInput(spec.job(), spec.input());
        InputOutputRules.checkOutput(spec, input);
        JobSpec.OutputSpec output = InputOutputRules.resolveOutput(spec, input);
        if (spec.evaluation().holdoutPath() != null && input.type() == JobSpec.InputType.IDX
                && spec.evaluation().holdoutLabelsPath() == null) {
            throw new JobSpecException("key 'evaluation.holdoutLabelsPath' is required when input.type is idx"
                    + " and evaluation.holdoutPath is set (the IDX labels file of the holdout images)");
        }
        if (!spec.evaluation().holdouts().isEmpty() && input.type() == JobSpec.InputType.GENERATOR) {
            throw new JobSpecException("key 'evaluation.holdouts' needs a file or Kafka input, in whose format its"
                    + " files are read; the generator's holdout is evaluation.holdout generated examples");
        }
        InputOutputRules.checkLabelNames(input, model);
        AggregationSpec aggregation = spec.aggregation();
        int params = model.toSpec().numParams(); // no overflow: checkModel caps the size
        if (aggregation.shards() > params) {
            throw new JobSpecException("key 'aggregation.shards' must be <= the model's " + params
                    + " parameters, got " + aggregation.shards());
        }
        checkOptimizer(spec.optimizer(), params);
        JobSpec.OptimizerSpec optimizer = resolveSchedule(spec.optimizer());
        checkStrategy(spec);
        checkTrainerState(spec, model);
        InputOutputRules.checkReadBy(spec, input);
        checkAttack(spec.attack(), model);
        return new JobSpec(spec.job(), spec.mode(), spec.seed(), input, model, optimizer, spec.rounds(),
                aggregation, spec.trainer(), spec.evaluation(), spec.checkpoint(), output, spec.attack(),
                spec.localDp(), spec.drift(), spec.tasks());
    }

    private static void checkModel(ModelSection model) throws JobSpecException {
        int classes = model.classes();
        switch (model.type()) {
            case LINEAR -> { } // its model.classes is ignored (resolveModel)
            case LOGISTIC -> {
                if (classes != 2) {
                    throw new JobSpecException("key 'model.classes' must be 2 for a logistic model, got " + classes);
                }
            }
            case SOFTMAX, MLP -> {
                if (classes < 2) {
                    throw Messages.mustBe("model.classes", ">= 2", Integer.toString(classes));
                }
                long maxClasses = MAX_PARAMS / (model.features() + 1L);
                if (classes > maxClasses) {
                    throw Messages.mustBe("model.classes", "<= " + maxClasses + " for " + model.features()
                            + " features (at most " + MAX_PARAMS + " parameters)", Integer.toString(classes));
                }
            }
        }
        if (model.type() == ModelType.MLP) {
            if (model.hidden().isEmpty() || model.hidden().size() > 2) {
                throw new JobSpecException("key 'model.hidden' must list 1 or 2 hidden layer sizes for an mlp"
                        + " (such as [128] or [256, 128]), got " + model.hidden());
            }
            long params = 0;
            long in = model.features();
            for (int size : model.hidden()) {
                params += (in + 1) * size;
                in = size;
            }
            params += (in + 1) * classes;
            if (params > MAX_PARAMS) {
                throw new JobSpecException("key 'model.hidden' makes an mlp of " + params
                        + " parameters, more than " + MAX_PARAMS);
            }
        } else if (!model.hidden().isEmpty()) {
            throw new JobSpecException("key 'model.hidden' applies only to model.type mlp, got "
                    + model.hidden() + " for " + Messages.yamlName(model.type()));
        }
    }

    /** A linear model has one real-valued output, so its {@code model.classes} is ignored and set to 2. */
    private static ModelSection resolveModel(ModelSection model) {
        if (model.type() != ModelType.LINEAR) {
            return model;
        }
        return new ModelSection(model.type(), model.features(), 2, model.l2(), model.hidden());
    }

    /**
     * FTRL's per-coordinate step sizes are its schedule: a second, global decay on top would only be
     * a second way to shrink them, so it is refused rather than silently ignored. Its two floats of
     * state per parameter must fit one array.
     */
    private static void checkOptimizer(JobSpec.OptimizerSpec o, int params) throws JobSpecException {
        if (o.type() != JobSpec.OptimizerType.FTRL) {
            return;
        }
        if (o.schedule() != null && o.schedule() != JobSpec.Schedule.CONSTANT) {
            throw new JobSpecException("key 'optimizer.schedule' must be constant or unset with optimizer.type ftrl"
                    + " (its step sizes learningRate / (beta + sqrt(n)) shrink per coordinate), got "
                    + Messages.yamlName(o.schedule()));
        }
        if (params > Ftrl.MAX_PARAMS) {
            throw new JobSpecException("optimizer.type ftrl keeps 2 floats of state per parameter, so it takes at most "
                    + Ftrl.MAX_PARAMS + " parameters; the model has " + params);
        }
    }

    /** An unset {@code optimizer.schedule} is {@code constant} for FTRL (see checkOptimizer), else {@code invsqrt}. */
    private static JobSpec.OptimizerSpec resolveSchedule(JobSpec.OptimizerSpec o) {
        if (o.schedule() != null) {
            return o;
        }
        return o.withSchedule(o.type() == JobSpec.OptimizerType.FTRL
                ? JobSpec.Schedule.CONSTANT : JobSpec.Schedule.INVSQRT);
    }

    /**
     * The strategy's knobs (checked by building it), and what the federated loop must offer it:
     * rounds of at least {@code minUpdates()} updates, and one shard for the rules that select or
     * clip by the full update vector. A centralized job keeps its own rule, so only the knobs are
     * checked there.
     */
    private static void checkStrategy(JobSpec spec) throws JobSpecException {
        AggregationStrategy strategy = StrategyFactory.create(spec);
        if (spec.mode() != JobSpec.Mode.FEDAVG) {
            return;
        }
        AggregationSpec a = spec.aggregation();
        String name = Messages.yamlName(a.strategy());
        Integer updates = spec.rounds().updatesPerRound();
        // rounds the server sizes itself are never smaller than the strategy needs
        if (updates != null && updates < strategy.minUpdates()) {
            String knobs = switch (a.strategy()) {
                case MULTIKRUM -> " with byzantineUpdates " + a.byzantineUpdates() + " and selectedUpdates "
                        + ((MultiKrum) strategy).selectedUpdates();
                case KRUM, BULYAN -> " with byzantineUpdates " + a.byzantineUpdates();
                default -> "";
            };
            throw new JobSpecException(name + knobs + " needs rounds.updatesPerRound >= " + strategy.minUpdates()
                    + ", got " + updates);
        }
        if (strategy.requiresSingleShard() && a.shards() > 1) {
            String why = switch (a.strategy()) {
                case DPFIXED, DPADAPTIVE -> "clipping and noise need the whole update";
                default -> "it selects updates by distances between whole updates";
            };
            throw new JobSpecException(name + " needs aggregation.shards = 1 (" + why + "), got " + a.shards());
        }
        checkLocalRule(spec);
        if (a.reputation() && updates != null && updates < 3) {
            throw new JobSpecException("key 'aggregation.reputation' needs rounds.updatesPerRound >= 3 (scores compare"
                    + " each update with the round's median), got " + updates);
        }
        JobSpec.RoundsSpec rounds = spec.rounds();
        if (spec.input().type() == JobSpec.InputType.GENERATOR
                && rounds.minSources() > spec.input().generator().sources()) {
            throw new JobSpecException("key 'rounds.minSources' must be <= input.generator.sources ("
                    + spec.input().generator().sources() + "), got " + rounds.minSources()
                    + ": no round could ever close");
        }
    }

    /** What the strategies that change the local step need from the trainers. */
    private static void checkLocalRule(JobSpec spec) throws JobSpecException {
        AggregationSpec a = spec.aggregation();
        JobSpec.OptimizerSpec o = spec.optimizer();
        switch (a.strategy()) {
            case FEDPROX -> {
                // the pull lr * mu * (w - global) overshoots the global model at lr * mu >= 1
                double pull = o.learningRate() * a.proximalMu();
                if (pull >= 1) {
                    throw new JobSpecException("key 'aggregation.proximalMu' times optimizer.learningRate must be < 1"
                            + " (the proximal pull would overshoot the global model), got "
                            + SpecBinder.plain(a.proximalMu()) + " * " + SpecBinder.plain(o.learningRate()));
                }
            }
            case FEDSGD -> {
                if (o.type() != JobSpec.OptimizerType.SGD) {
                    throw new JobSpecException("fedsgd needs optimizer.type sgd (sources send plain gradient steps),"
                            + " got " + Messages.yamlName(o.type()));
                }
            }
            case SCAFFOLD -> {
                if (spec.localDp().enabled()) {
                    throw new JobSpecException("scaffold cannot run with localDp (its control variates would"
                            + " leave the sources without noise); unset localDp.clippingNorm or pick another"
                            + " strategy");
                }
                if (spec.rounds().feedback() != JobSpec.Feedback.CHANNEL) {
                    throw new JobSpecException("scaffold needs rounds.feedback channel (the server control variate"
                            + " travels with the in-job feedback, not in model messages), got "
                            + Messages.yamlName(spec.rounds().feedback()));
                }
            }
            default -> { }
        }
    }

    /** A sparse trainer state holds linear models trained with plain local steps only. */
    private static void checkTrainerState(JobSpec spec, ModelSection model) throws JobSpecException {
        if (spec.trainer().state() != JobSpec.StateLayout.SPARSE) {
            return;
        }
        if (model.type() == ModelType.MLP) {
            throw new JobSpecException("key 'trainer.state' cannot be sparse for an mlp (every step moves every"
                    + " weight); use auto or dense");
        }
        switch (spec.aggregation().strategy()) {
            case FEDPROX, FEDSGD, SCAFFOLD -> throw new JobSpecException("key 'trainer.state' cannot be sparse with"
                    + " aggregation.strategy " + Messages.yamlName(spec.aggregation().strategy())
                    + " (its local steps move every coordinate); use auto or dense");
            default -> { }
        }
    }

    /** Label flipping needs classes to flip. */
    private static void checkAttack(JobSpec.AttackSpec attack, ModelSection model) throws JobSpecException {
        if (attack.enabled() && attack.type() == JobSpec.AttackType.LABELFLIP
                && model.type() == ModelType.LINEAR) {
            throw new JobSpecException("key 'attack.type' labelflip needs a classifier (logistic, softmax or mlp),"
                    + " got model.type linear");
        }
    }
}
