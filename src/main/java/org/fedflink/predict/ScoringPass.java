package org.fedflink.predict;

import java.io.IOException;
import java.time.Duration;
import org.fedflink.artifact.SavedModel;
import org.fedflink.data.Example;
import org.fedflink.data.ExampleValidator;
import org.fedflink.data.FeatureScaler;
import org.fedflink.eval.Evaluator;

/**
 * One pass of {@link FilePredictor} over a file: each record read is checked against the model,
 * scaled as the run's training input was, predicted, and scored when it has a label (with
 * {@link Evaluator.Accumulator}, the job's holdout scoring); the counts and progress reports, and
 * the output lines, if any, go along.
 *
 * <p>Not thread-safe (the predictor keeps scratch buffers): one per pass.
 */
final class ScoringPass {

    /** Rows between two looks at the clock, so progress costs nothing per row. */
    private static final int PROGRESS_CHECK_ROWS = 256;

    private final Predictor predictor;
    private final Evaluator.Accumulator accumulator;
    private final ExampleValidator validator;
    private final FeatureScaler scaler;
    /** Null to only score. */
    private final PredictionLines lines;
    private final Duration progressInterval;
    private final FilePredictor.ProgressListener listener;
    private final long start = System.nanoTime();
    private long nextProgress;
    private long rows;
    private long invalid;

    /**
     * @param lines where each record's line goes, or null to only score
     * @param listener told of the progress every {@code progressInterval}, or null
     */
    ScoringPass(SavedModel model, FeatureScaler scaler, PredictionLines lines, Duration progressInterval,
            FilePredictor.ProgressListener listener) {
        this.predictor = Predictor.of(model);
        this.accumulator = new Evaluator.Accumulator(predictor.model(), model.params());
        this.validator = new ExampleValidator(model.spec());
        this.scaler = scaler;
        this.lines = lines;
        this.progressInterval = progressInterval;
        this.listener = listener;
        this.nextProgress = start + progressInterval.toNanos();
    }

    /** A record that is not valid for the model. */
    void invalid(long line, String reason) throws IOException {
        invalid++;
        counted();
        if (lines != null) {
            lines.error(line, reason);
        }
    }

    /** A parsed record: invalid if the model cannot take it, else predicted (and scored, when labelled). */
    void score(long line, Example parsed) throws IOException {
        boolean labelled = !Double.isNaN(parsed.label());
        // the validator wants a source and a label; a row to score may have neither
        String reason = validator.check(new Example("row", parsed.timestamp(), labelled ? parsed.label() : 0,
                parsed.indices(), parsed.values()));
        if (reason != null) {
            invalid(line, reason);
            return;
        }
        Example example = scaler.apply(parsed);
        Prediction prediction = predictor.predict(example);
        if (labelled) {
            accumulator.add(example);
        }
        counted();
        if (lines != null) {
            lines.prediction(line, parsed, labelled, prediction);
        }
    }

    private void counted() {
        rows++;
        if (listener != null && rows % PROGRESS_CHECK_ROWS == 0) {
            long now = System.nanoTime();
            if (now >= nextProgress) {
                nextProgress = now + progressInterval.toNanos();
                listener.progress(rows, invalid, (now - start) / 1_000_000);
            }
        }
    }

    /** Records read, valid and invalid. */
    long rows() {
        return rows;
    }

    long invalid() {
        return invalid;
    }

    /** Valid records that had a label. */
    long labelled() {
        return accumulator.examples();
    }

    /** The labelled records' metrics. */
    Evaluator.Score score() {
        return accumulator.score();
    }

    /** Flushes the output lines, if any. */
    void close() throws IOException {
        if (lines != null) {
            lines.close();
        }
    }
}
