package org.fedflink.pipeline;

import java.io.Serializable;
import org.fedflink.io.RecordSequence;
import org.fedflink.model.ModelSpec;

/**
 * The input a trainer reads itself ({@code input.readBy}): the sequence of raw records it
 * takes its key groups' share of, and what the readers would otherwise have done with it — check
 * each record against {@code model} (an invalid one becomes a dead letter), give it event time,
 * keep watermarks {@code watermarkDelayMillis} behind the newest and pace the reading.
 *
 * @param sequence the input, whose records' sources are known without reading them
 * @param model what a valid example is
 * @param watermarkDelayMillis how far behind the newest event time the watermark is
 * @param ratePerSecond at most how many records all trainers together read per second; 0: unlimited
 * @param countsDir where each trainer subtask writes its ingest counts at the end of the input
 * @param updatesPerRound the updates a round is meant to fold in, as the trainers count them until
 *     the loop's first version says how many it does; 0: the trainers do not wait for the global
 *     models (they come through Kafka, once the checkpoint that wrote them completes)
 */
record TrainerInput(RecordSequence<RawRecord> sequence, ModelSpec model, long watermarkDelayMillis,
        double ratePerSecond, String countsDir, int updatesPerRound) implements Serializable {

    TrainerInput {
        if (!sequence.knowsSources()) {
            throw new IllegalArgumentException("a trainer can read only an input whose records' sources are known");
        }
    }
}
