package org.fedflink.pipeline;

import java.io.Serializable;
import org.fedflink.aggregate.AggregationStrategy;
import org.fedflink.aggregate.ShardLayout;

/**
 * What a {@link GlobalAggregator} needs to know, resolved from the job spec.
 *
 * @param strategy the server rule
 * @param layout the shards of the model
 * @param updatesPerRound close a round after this many updates
 * @param timeoutMillis or when its oldest update waited this long (0 = never)
 * @param trainerParallelism end markers expected before the last round closes
 * @param loopId the feedback loop to publish into
 * @param windowExamples length of the windowed prequential figures, in examples
 * @param model the model, whose initial parameters (seeded by {@code initSeed}) are version 0
 * @param initSeed the seed the trainers start from too
 */
public record AggregatorSettings(
        AggregationStrategy strategy,
        ShardLayout layout,
        int updatesPerRound,
        long timeoutMillis,
        int trainerParallelism,
        String loopId,
        long windowExamples,
        org.fedflink.model.ModelSpec model,
        long initSeed)
        implements Serializable {}
