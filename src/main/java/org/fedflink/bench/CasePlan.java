package org.fedflink.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecException;
import org.fedflink.config.JobSpecLoader;

/**
 * How one case runs: a job spec of {@code jobs/bench/} with {@code --set} overrides, so that
 * {@code fedflink run SPEC --set ...} repeats the job alone.
 *
 * @param benchCase the case
 * @param specFile the job spec under {@code jobs/bench/}
 * @param overrides the {@code --set} overrides for this case
 * @param examples the examples the job trains on
 * @param data what the examples are, for a person
 */
public record CasePlan(BenchCase benchCase, Path specFile, List<String> overrides, long examples, String data) {

    /** Fashion-MNIST's training rows. */
    static final int FASHION_ROWS = 60_000;
    /** Rows of the sparse training file; larger runs replay it ({@code input.passes}). */
    static final int SPARSE_ROWS = 200_000;
    static final int SPARSE_HOLDOUT_ROWS = 5_000;
    static final int SPARSE_SOURCES = 20;
    /** The checkpoint interval of a full run (the issue's) and of a quick one (so a few-second run has checkpoints). */
    static final long CHECKPOINT_MILLIS = 10_000;
    static final long QUICK_CHECKPOINT_MILLIS = 1_000;

    /**
     * The plan of {@code c}, preparing its data files.
     *
     * @param specDir the folder of the bench job specs ({@code $FEDFLINK_HOME/jobs/bench})
     */
    public static CasePlan of(BenchCase c, BenchData data, Path specDir, boolean quick) throws IOException {
        return of(c, data, specDir, quick, List.of());
    }

    /**
     * The plan of {@code c} with the user's {@code KEY=VALUE} overrides {@code extraSets} applied after
     * the case's own (to compare a setting on the same cases).
     */
    public static CasePlan of(BenchCase c, BenchData data, Path specDir, boolean quick, List<String> extraSets)
            throws IOException {
        long examples = c.examples(quick);
        List<String> sets = new ArrayList<>();
        sets.add("trainer.parallelism=" + c.parallelism());
        sets.add("checkpoint.intervalMillis=" + (quick ? QUICK_CHECKPOINT_MILLIS : CHECKPOINT_MILLIS));
        Path spec;
        String description;
        switch (c.workload()) {
            case SOFTMAX, LOGISTIC -> {
                boolean softmax = c.workload() == BenchCase.Workload.SOFTMAX;
                String stem = softmax ? "softmax" : "logistic";
                if (data.hasFashionMnist()) {
                    spec = specDir.resolve(stem + "-fashion-mnist.yaml");
                    long passes = Math.max(1, Math.round((double) examples / FASHION_ROWS));
                    examples = passes * FASHION_ROWS;
                    sets.add("input.passes=" + passes);
                    sets.add("input.path=" + data.fashionImages("train"));
                    sets.add("evaluation.holdoutPath=" + data.fashionImages("t10k"));
                    if (softmax) {
                        sets.add("input.labelsPath=" + data.fashionLabels("train"));
                        sets.add("evaluation.holdoutLabelsPath=" + data.fashionLabels("t10k"));
                        description = "Fashion-MNIST x" + passes;
                    } else {
                        sets.add("input.labelsPath=" + data.footwearLabels("train"));
                        sets.add("evaluation.holdoutLabelsPath=" + data.footwearLabels("t10k"));
                        description = "Fashion-MNIST footwear x" + passes;
                    }
                } else {
                    spec = specDir.resolve(stem + "-generator.yaml");
                    sets.add("input.generator.examples=" + examples);
                    description = "generator (Fashion-MNIST not installed)";
                }
            }
            case SPARSE -> {
                spec = specDir.resolve("sparse.yaml");
                int rows = (int) Math.min(examples, SPARSE_ROWS);
                long passes = Math.max(1, Math.round((double) examples / rows));
                examples = passes * rows;
                Path train = data.sparseText("sparse-train-" + rows + ".jsonl", rows, SPARSE_SOURCES, 42);
                Path holdout = data.sparseText("sparse-holdout.jsonl", SPARSE_HOLDOUT_ROWS, SPARSE_SOURCES, 42);
                sets.add("input.path=" + train);
                sets.add("input.passes=" + passes);
                sets.add("evaluation.holdoutPath=" + holdout);
                sets.add("aggregation.shards=" + c.parallelism());
                description = "hashed text x" + passes;
            }
            case SOURCES -> {
                spec = specDir.resolve("sources.yaml");
                sets.add("input.generator.sources=" + c.sources());
                sets.add("input.generator.examples=" + examples);
                description = "generator";
            }
            default -> throw new IllegalStateException("unknown workload " + c.workload());
        }
        sets.addAll(extraSets);
        return new CasePlan(c, spec, List.copyOf(sets), examples, description);
    }

    /** The job spec, loaded and validated. */
    public JobSpec load() throws JobSpecException {
        return JobSpecLoader.load(specFile, overrides);
    }

    /** The command that runs this case's job alone. */
    public String command() {
        StringBuilder s = new StringBuilder("bin/fedflink run ").append(specFile);
        for (String o : overrides) {
            s.append(" --set ").append(o);
        }
        return s.toString();
    }
}
