package org.fedflink.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fedflink.config.JobSpec;
import org.fedflink.data.Example;
import org.fedflink.data.FileDataset;
import org.fedflink.data.InputFormat;
import org.fedflink.data.RowOrder;
import org.fedflink.data.SyntheticGenerator;
import org.fedflink.eval.Evaluator;
import org.fedflink.io.FileInput;
import org.fedflink.io.Generators;
import org.fedflink.model.Model;
import org.fedflink.model.OnlineLearner;
import org.fedflink.pipeline.FedJob;

/**
 * The reference: a plain single-threaded Java loop of the job's own online step (one
 * {@link OnlineLearner#learn}, i.e. predict then one optimizer step, per example; the model and
 * optimizer of {@code org.fedflink.model} built exactly as the trainers build them) over the very
 * examples the job reads, in the job's order, with one model and no Flink.
 *
 * <p>Only the steps are timed: examples are materialised in chunks of {@value #CHUNK} (read,
 * parsed and scaled by the job's own readers: the generator, or the file input with its
 * partition, passes, shuffle and scaling) outside the timed loop. Before timing, the JIT is warmed
 * up on up to {@value #WARMUP} examples with a throw-away model, so the figure is the loop's
 * steady speed.
 *
 * <p>The {@link Anchor}, a straightforward loop written apart from the project's model code, steps
 * through the same chunks, timed separately and interleaved chunk by chunk with the project's loop
 * so that both see the same load on the machine.
 */
final class Reference {

    static final int CHUNK = 8192;
    static final int WARMUP = 30_000;

    /**
     * @param examples examples stepped through (timed)
     * @param seconds time spent in the steps
     * @param cpuSeconds CPU time of the loop's thread in the steps
     * @param holdoutAccuracy the final model's accuracy on the job's holdout set (NaN without one)
     * @param anchorSeconds time the {@link Anchor} spent in its steps over the same examples (NaN:
     *     no anchor for this model)
     * @param anchorHoldoutAccuracy the anchor's final accuracy on the same holdout set
     */
    record Result(long examples, double seconds, double cpuSeconds, double holdoutAccuracy, double anchorSeconds,
            double anchorHoldoutAccuracy) {
        double examplesPerSecond() {
            return seconds > 0 ? examples / seconds : Double.NaN;
        }

        double anchorExamplesPerSecond() {
            return anchorSeconds > 0 ? examples / anchorSeconds : Double.NaN;
        }
    }

    private Reference() {}

    static Result run(JobSpec spec, Path workDir, long examples) throws IOException {
        try (Examples source = Examples.of(spec, workDir)) {
            long n = Math.min(examples, source.size());
            OnlineLearner learner = new OnlineLearner(Model.of(spec.model().toSpec()), FedJob.optimizer(spec));
            boolean anchored = Anchor.supports(spec.model().type());
            Example[] chunk = new Example[CHUNK];

            // warm-up, untimed, on models that are thrown away
            float[] params = learner.initialParams(spec.seed());
            float[] state = learner.initialState();
            Anchor warm = anchored ? anchor(spec) : null;
            long step = 0;
            long warmup = Math.min(n, WARMUP);
            for (long done = 0; done < warmup; ) {
                int count = (int) Math.min(CHUNK, warmup - done);
                int m = source.fill(done, chunk, count);
                for (int i = 0; i < m; i++) {
                    Example e = chunk[i];
                    learner.learn(params, state, step++, e.indices(), e.values(), e.label());
                }
                if (anchored) {
                    for (int i = 0; i < m; i++) {
                        warm.learn(chunk[i]);
                    }
                }
                done += count;
            }

            Anchor anchor = anchored ? anchor(spec) : null;
            long anchorNanos = 0;
            params = learner.initialParams(spec.seed());
            state = learner.initialState();
            step = 0;
            long nanos = 0;
            long cpuNanos = 0;
            var threads = java.lang.management.ManagementFactory.getThreadMXBean();
            for (long done = 0; done < n; ) {
                int count = (int) Math.min(CHUNK, n - done);
                int m = source.fill(done, chunk, count);
                long c0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                for (int i = 0; i < m; i++) {
                    Example e = chunk[i];
                    learner.learn(params, state, step++, e.indices(), e.values(), e.label());
                }
                nanos += System.nanoTime() - t0;
                cpuNanos += threads.getCurrentThreadCpuTime() - c0;
                if (anchored) {
                    long a0 = System.nanoTime();
                    for (int i = 0; i < m; i++) {
                        anchor.learn(chunk[i]);
                    }
                    anchorNanos += System.nanoTime() - a0;
                }
                done += count;
            }
            List<Example> holdout = source.holdout();
            boolean scored = !holdout.isEmpty() && spec.model().toSpec().isClassifier();
            double accuracy = scored ? Evaluator.score(learner.model(), params, holdout).accuracy() : Double.NaN;
            double anchorAccuracy = scored && anchored
                    ? holdout.stream().filter(anchor::predictsRight).count() / (double) holdout.size()
                    : Double.NaN;
            return new Result(step, nanos / 1e9, cpuNanos / 1e9, accuracy, anchored ? anchorNanos / 1e9 : Double.NaN,
                    anchorAccuracy);
        }
    }

    /** The anchor for the job's model, stepping at the optimizer's base learning rate. */
    private static Anchor anchor(JobSpec spec) {
        JobSpec.ModelSection model = spec.model();
        return new Anchor(model.type(), model.features(), model.classes(), spec.optimizer().learningRate(), model.l2());
    }

    /** The job's examples by position in its stream, and its holdout set. */
    private interface Examples extends AutoCloseable {
        long size();

        /**
         * Reads the {@code count} examples at positions {@code from, from + 1, ...} of the stream
         * into {@code out}, skipping invalid ones (the job sends them to the dead letter); returns
         * how many were written.
         */
        int fill(long from, Example[] out, int count);

        List<Example> holdout() throws IOException;

        @Override
        void close() throws IOException;

        static Examples of(JobSpec spec, Path workDir) throws IOException {
            return spec.input().isFile() ? new FileExamples(spec, workDir) : new GeneratedExamples(spec);
        }
    }

    private static final class GeneratedExamples implements Examples {
        private final JobSpec spec;
        private final SyntheticGenerator generator;

        GeneratedExamples(JobSpec spec) {
            this.spec = spec;
            this.generator = new SyntheticGenerator(Generators.config(spec));
        }

        @Override
        public long size() {
            return spec.input().generator().examples();
        }

        @Override
        public int fill(long from, Example[] out, int count) {
            int m = 0;
            for (long i = from; i < from + count && i < size(); i++) {
                // the bench's generators emit no corrupt records; skip any that a spec asks for
                if (!generator.isCorrupt(i)) {
                    out[m++] = generator.example(i);
                }
            }
            return m;
        }

        @Override
        public List<Example> holdout() {
            return generator.holdout(spec.evaluation().holdout());
        }

        @Override
        public void close() {}
    }

    /** A file input read as the job reads it: same rows, order (passes, shuffle) and scaling. */
    private static final class FileExamples implements Examples {
        private final JobSpec spec;
        private final FileInput input;
        private final FileDataset dataset;
        private final RowOrder order;

        FileExamples(JobSpec spec, Path workDir) throws IOException {
            this.spec = spec;
            Files.createDirectories(workDir);
            this.input = FileInput.prepare(spec, workDir);
            this.dataset = input.open();
            this.order = new RowOrder(input.rows(), spec.input().passes(), spec.input().shuffle(), spec.seed());
        }

        @Override
        public long size() {
            return order.size();
        }

        @Override
        public int fill(long from, Example[] out, int count) {
            int m = 0;
            for (long i = from; i < from + count && i < size(); i++) {
                FileDataset.Parsed parsed = dataset.read(order.rowAt(i));
                if (parsed.valid()) {
                    out[m++] = input.scaler().apply(parsed.example());
                }
            }
            return m;
        }

        @Override
        public List<Example> holdout() throws IOException {
            String path = spec.evaluation().holdoutPath();
            if (path == null) {
                return List.of();
            }
            List<Example> out = new ArrayList<>();
            String labels = spec.evaluation().holdoutLabelsPath();
            try (FileDataset holdout = input.format() == InputFormat.IDX
                    ? FileDataset.openIdx(Path.of(path), Path.of(labels))
                    : FileDataset.openText(List.of(Path.of(path)), input.options(), input.maxLineBytes(),
                            Path.of(System.getProperty("java.io.tmpdir")))) {
                for (long i = 0; i < holdout.rows(); i++) {
                    FileDataset.Parsed parsed = holdout.read(i);
                    if (parsed.valid()) {
                        out.add(input.scaler().apply(parsed.example()));
                    }
                }
            }
            return out;
        }

        @Override
        public void close() throws IOException {
            dataset.close();
        }
    }
}
