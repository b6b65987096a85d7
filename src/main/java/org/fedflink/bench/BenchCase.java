package org.fedflink.bench;

/**
 * One benchmark case: a workload (model and data) at a trainer parallelism.
 *
 * @param name the name on the command line ({@code --case}) and in {@code bench.json}
 * @param workload the model and data
 * @param parallelism trainer subtasks (= slots)
 * @param sources data sources (keys) for the many-sources workload; 0 = the workload's own
 * @param fullExamples examples of a full run (enough for roughly 20-40 s on 2 cores)
 * @param quickExamples examples of a {@code --quick} run (a few seconds)
 */
public record BenchCase(
        String name, Workload workload, int parallelism, int sources, long fullExamples, long quickExamples) {

    /** What a case learns from what. */
    public enum Workload {
        /** dense softmax 784x10: Fashion-MNIST, or the generator when it is not installed */
        SOFTMAX("dense softmax 784x10"),
        /** dense binary logistic, 784 features: Fashion-MNIST footwear vs rest, or the generator */
        LOGISTIC("dense binary logistic, 784 features"),
        /** sparse binary logistic over hashed text, 2^20 dimensions, about 40 non-zeros */
        SPARSE("sparse logistic, 2^20 hashed dims, ~40 nnz"),
        /** small dense logistic (32 features, generator) over many sources */
        SOURCES("logistic, 32 features, generator");

        private final String description;

        Workload(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    public BenchCase {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
        }
    }

    /** The same case with {@code examples} examples in both full and quick runs. */
    public BenchCase withExamples(long examples) {
        return new BenchCase(name, workload, parallelism, sources, examples, examples);
    }

    /** The examples a run of this case processes. */
    public long examples(boolean quick) {
        return quick ? quickExamples : fullExamples;
    }
}
