package org.fedflink.pipeline;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.fedflink.config.JobSpec;
import org.fedflink.data.Example;
import org.fedflink.eval.LocalBaseline;
import org.fedflink.federation.LocalStep;
import org.fedflink.federation.ShardLayout;
import org.fedflink.model.ModelSpec;

/**
 * The local-only baseline ({@code evaluation.baseline: local}): what a source learns without
 * federation, the figure federation is measured against.
 */
final class LocalOnlyGraph {

    private LocalOnlyGraph() {}

    /**
     * Adds the baseline: every source trains alone (the job's model and optimizer, plain steps, no
     * global model), and at the end of the input each source's model is scored on the holdout; the
     * writer sums the scores up into {@code out}.
     */
    static void add(DataStream<Example> examples, JobSpec spec, ModelSpec model, String prefix, String out,
            HoldoutSupplier holdout) {
        int trainers = spec.trainer().parallelism();
        LocalStep step = LocalStep.plain();
        ShardLayout layout = new ShardLayout(model.numParams(), 1);
        // its sources never report: the holdout scores each model at the end of the input
        TrainerSettings settings = TrainerSettings.builder(model, FedJob.optimizer(spec))
                .localExamples(Integer.MAX_VALUE)
                .layout(layout)
                .cacheSize(LoopPlan.cacheSize(spec, model, step, false))
                .cacheBytes(LoopPlan.cacheBytes(spec))
                .adoptGlobal(false)
                .initSeed(spec.seed())
                .localStep(step)
                .stateLayout(spec.trainer().state())
                .build();
        examples.keyBy(ExampleKeys.bySource())
                .transform(prefix + "trainer", TypeInformation.of(LocalBaseline.SourceResult.class),
                        new LocalOnlyTrainer(settings, holdout))
                .setParallelism(trainers)
                .setMaxParallelism(JobSpec.TrainerSpec.maxParallelism(trainers))
                .uid(prefix + "trainer")
                .name(prefix + "local-only trainers")
                .transform(prefix + "writer", TypeInformation.of(Void.class),
                        new LocalBaselineWriter(out,
                                LocalOnlyTrainer.holdoutNames(spec.evaluation().holdouts().keySet()),
                                model.isClassifier()))
                .setParallelism(1)
                .uid(prefix + "writer")
                .name(prefix + "local-only results");
    }
}
