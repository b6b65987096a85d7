package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecLoader;
import org.fedflink.io.FileInput;
import org.fedflink.runner.LocalRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped Fashion-MNIST softmax job on the real data set (Debian package
 * {@code dataset-fashion-mnist}, which {@code bin/fedflink test} installs): 60,000 training images
 * dealt to 100 sources with Dirichlet(0.5) label skew, scored on the 10,000 test images, with the
 * centralized baseline trained on the same stream in the same run.
 *
 * <p>The job's accuracy target (0.84, scikit-learn's LogisticRegression) is measured by running
 * the job from docs/running-jobs.md; this test holds the federated model to the baseline of its own run and
 * checks that nothing was lost.
 */
class FashionMnistIT {

    /** The cluster the runs of this class share ({@link SharedCluster}): 2 trainers. */
    @RegisterExtension
    static final MiniClusterExtension SHARED_CLUSTER = SharedCluster.withSlots(2);

    private static MiniCluster cluster;

    @TempDir
    Path tmp;

    @BeforeAll
    static void takeSharedCluster(@InjectMiniCluster MiniCluster shared) {
        cluster = shared;
    }

    @Test
    void softmaxJob_fedAvgWithinOnePointOfTheCentralizedBaseline_everyImageFoldedInEachPass() throws Exception {
        JobSpec spec = JobSpecLoader.load(Path.of("jobs/fashion-mnist-softmax.yaml"), List.of());
        assertThat(Path.of(spec.input().path()))
                .as("Fashion-MNIST is missing: install the Debian package dataset-fashion-mnist (bin/install-deps)")
                .exists();

        JsonNode summary = LocalRunner.runOn(cluster, spec, LocalRunner.Options.defaults(tmp.resolve("run"))).json();

        long images = 60_000L * spec.input().passes();
        assertThat(summary.path("status").asText()).isEqualTo("FINISHED");
        assertThat(summary.path("examples").asLong()).isEqualTo(images);
        assertThat(summary.path("invalid").asLong()).isZero();
        assertThat(summary.path("samplesInModel").asLong()).isEqualTo(images);
        assertThat(summary.path("baseline").path("samplesInModel").asLong()).isEqualTo(images);
        assertThat(summary.path("metrics").path("holdoutExamples").asInt()).isEqualTo(10_000);
        double fedAvg = summary.path("metrics").path("holdoutAccuracy").asDouble();
        double centralized = summary.path("baseline").path("holdoutAccuracy").asDouble();
        System.out.printf("fashion-mnist softmax: fedavg %.4f, centralized %.4f, macro-F1 %.4f%n", fedAvg,
                centralized, summary.path("metrics").path("holdoutMacroF1").asDouble());
        assertThat(fedAvg).isGreaterThanOrEqualTo(centralized - 0.01);
        // every source got data, and the per-source figures and the report were written
        assertThat(summary.path("metrics").path("sourcesReporting").asInt()).isEqualTo(100);
        assertThat(tmp.resolve("run").resolve("report.html")).exists();
        assertThat(Files.readAllLines(tmp.resolve("run").resolve(FileInput.PARTITION_FILE))).hasSize(101);
    }
}
