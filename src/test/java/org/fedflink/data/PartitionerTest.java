package org.fedflink.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PartitionerTest {

    static PartitionScheme[] schemes() {
        return new PartitionScheme[] {
            PartitionScheme.iid(), PartitionScheme.dirichlet(0.3), PartitionScheme.shards(2),
            PartitionScheme.quantitySkew(0.5)
        };
    }

    /** {@code n} labels drawn uniformly from {@code classes} classes. */
    private static int[] randomLabels(int n, int classes, long seed) {
        return new SplittableRandom(seed).ints(n, 0, classes).toArray();
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void assign_sameSeed_sameResult_otherSeed_differentResult(PartitionScheme scheme) {
        int[] labels = randomLabels(20_000, 5, 1);
        int[] a = Partitioner.assign(labels, 5, 30, scheme, 42);
        int[] b = Partitioner.assign(labels.clone(), 5, 30, scheme, 42);
        int[] c = Partitioner.assign(labels, 5, 30, scheme, 43);
        assertThat(b).isEqualTo(a);
        assertThat(c).isNotEqualTo(a);
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void assign_everyRowOnceToAValidSource_classTotalsPreserved(PartitionScheme scheme) {
        int n = 50_001;
        int classes = 7;
        int sources = 40;
        int[] labels = randomLabels(n, classes, 2);
        int[] sourceOfRow = Partitioner.assign(labels, classes, sources, scheme, 7);
        assertThat(sourceOfRow).hasSize(n);
        assertThat(Arrays.stream(sourceOfRow).allMatch(s -> s >= 0 && s < sources)).isTrue();
        PartitionHistogram h = PartitionHistogram.of(sourceOfRow, labels, sources, classes);
        int[] classTotals = new int[classes];
        for (int y : labels) {
            classTotals[y]++;
        }
        for (int c = 0; c < classes; c++) {
            int sum = 0;
            for (int s = 0; s < sources; s++) {
                sum += h.count(s, c);
            }
            assertThat(sum).as("class %d", c).isEqualTo(classTotals[c]);
        }
        assertThat(h.rows()).isEqualTo(n);
    }

    @Test
    void iid_largeN_balancedSizesAndGlobalLabelMix() {
        int n = 1_000_003;
        int classes = 4;
        int sources = 100;
        int[] labels = randomLabels(n, classes, 3);
        PartitionHistogram h =
                PartitionHistogram.of(Partitioner.assign(labels, classes, sources, PartitionScheme.iid(), 1), labels,
                        sources, classes);
        for (int s = 0; s < sources; s++) {
            // 1_000_003 = 100 * 10_000 + 3: sizes 10_000 or 10_001
            assertThat(h.rows(s)).isBetween(n / sources, n / sources + 1);
            for (int c = 0; c < classes; c++) {
                assertThat((double) h.count(s, c) / h.rows(s)).isBetween(0.25 - 0.03, 0.25 + 0.03);
            }
        }
        assertThat(h.meanLabelEntropy()).isGreaterThan(Math.log(4) - 0.01);
    }

    @Test
    void dirichlet_smallerAlpha_moreLabelSkew() {
        int classes = 10;
        int sources = 50;
        int[] labels = randomLabels(200_000, classes, 4);
        double previous = -1;
        for (double alpha : new double[] {0.05, 0.5, 5, 500}) {
            int[] sourceOfRow = Partitioner.assign(labels, classes, sources, PartitionScheme.dirichlet(alpha), 9);
            double entropy = PartitionHistogram.of(sourceOfRow, labels, sources, classes).meanLabelEntropy();
            System.out.printf("dirichlet alpha=%s: mean per-source label entropy %.3f nats (max %.3f)%n",
                    alpha, entropy, Math.log(classes));
            assertThat(entropy).as("alpha %s", alpha).isGreaterThan(previous);
            previous = entropy;
        }
        // alpha = 500 is close to IID
        assertThat(previous).isGreaterThan(Math.log(classes) - 0.05);
    }

    @Test
    void dirichlet_tinyAlpha_leavesSourcesEmpty_histogramShowsThem() {
        int classes = 2;
        int sources = 50;
        int[] labels = randomLabels(10_000, classes, 5);
        int[] sourceOfRow = Partitioner.assign(labels, classes, sources, PartitionScheme.dirichlet(0.01), 3);
        PartitionHistogram h = PartitionHistogram.of(sourceOfRow, labels, sources, classes);
        // Dir(0.01) over 50 sources puts nearly all of a class on one or two sources
        assertThat(h.emptySources()).isGreaterThan(40);
        assertThat(h.rows()).isEqualTo(10_000);
    }

    @Test
    void shards_labelPureShards_atMostShardsPerSourceClasses() {
        int sources = 20;
        int shardsPerSource = 2;
        int classes = 10;
        // 40 shards of 250 rows; 1000 rows per class = 4 whole shards per class, so every shard is pure
        int[] labels = new int[10_000];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % classes;
        }
        int[] sourceOfRow =
                Partitioner.assign(labels, classes, sources, PartitionScheme.shards(shardsPerSource), 11);
        PartitionHistogram h = PartitionHistogram.of(sourceOfRow, labels, sources, classes);
        int oneClassSources = 0;
        for (int s = 0; s < sources; s++) {
            assertThat(h.rows(s)).isEqualTo(500);
            assertThat(h.distinctClasses(s)).isBetween(1, shardsPerSource);
            for (int c = 0; c < classes; c++) {
                assertThat(h.count(s, c) % 250).as("source %d class %d", s, c).isZero();
            }
            if (h.distinctClasses(s) == 1) {
                oneClassSources++;
            }
        }
        // the shards are dealt at random, not in label order (which would give every source one class)
        assertThat(oneClassSources).isLessThan(sources);
    }

    @Test
    void shards_uneven_sizesDifferByAtMostOneShardRow() {
        int[] labels = randomLabels(1003, 3, 6);
        int[] sourceOfRow = Partitioner.assign(labels, 3, 10, PartitionScheme.shards(3), 1);
        PartitionHistogram h = PartitionHistogram.of(sourceOfRow, labels, 10, 3);
        // 30 shards of 33 or 34 rows, 3 per source: 99..102 rows
        for (int s = 0; s < 10; s++) {
            assertThat(h.rows(s)).isBetween(99, 102);
        }
    }

    @Test
    void quantitySkew_smallerAlpha_moreSizeVariance() {
        int sources = 100;
        int[] labels = new int[500_000];
        double previous = Double.POSITIVE_INFINITY;
        for (double alpha : new double[] {0.1, 1, 10, 1000}) {
            int[] sourceOfRow = Partitioner.assign(labels, 1, sources, PartitionScheme.quantitySkew(alpha), 2);
            PartitionHistogram h = PartitionHistogram.of(sourceOfRow, labels, sources, 1);
            double mean = labels.length / (double) sources;
            double variance = 0;
            for (int s = 0; s < sources; s++) {
                variance += (h.rows(s) - mean) * (h.rows(s) - mean) / sources;
            }
            double cv = Math.sqrt(variance) / mean;
            // Dir(alpha) over K sources: CV of a share = sqrt((K - 1) / (K * alpha + 1))
            System.out.printf("quantity skew alpha=%s: size CV %.3f (expected about %.3f)%n",
                    alpha, cv, Math.sqrt((sources - 1) / (sources * alpha + 1)));
            assertThat(cv).as("alpha %s", alpha).isLessThan(previous);
            previous = cv;
        }
        assertThat(previous).isLessThan(0.05);
    }

    @Test
    void quantitySkew_labelsStayMixed() {
        int[] labels = randomLabels(200_000, 4, 8);
        int[] sourceOfRow = Partitioner.assign(labels, 4, 20, PartitionScheme.quantitySkew(0.5), 4);
        PartitionHistogram h = PartitionHistogram.of(sourceOfRow, labels, 20, 4);
        for (int s = 0; s < 20; s++) {
            if (h.rows(s) >= 2000) {
                assertThat(h.labelEntropy(s)).as("source %d", s).isGreaterThan(Math.log(4) - 0.02);
            }
        }
    }

    @Test
    void assign_tenMillionRows_linearTime() {
        int n = 10_000_000;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (int) ((i * 0x9E3779B9L) >>> 28) % 10;
        }
        for (PartitionScheme scheme : schemes()) {
            long start = System.nanoTime();
            int[] sourceOfRow = Partitioner.assign(labels, 10, 1000, scheme, 5);
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("%s on %d rows: %d ms%n", scheme, n, millis);
            assertThat(PartitionHistogram.of(sourceOfRow, labels, 1000, 10).rows()).isEqualTo(n);
        }
    }

    @Test
    void invalidArguments_rejectedWithMessage() {
        int[] labels = {0, 1, 2};
        assertThatThrownBy(() -> Partitioner.assign(labels, 2, 2, PartitionScheme.iid(), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("label of row 2 is 2, outside [0, 2)");
        assertThatThrownBy(() -> Partitioner.assign(labels, 3, 0, PartitionScheme.iid(), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sources must be >= 1, got 0");
        assertThatThrownBy(() -> Partitioner.assign(labels, 0, 2, PartitionScheme.iid(), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("classes must be >= 1, got 0");
        assertThatThrownBy(() -> Partitioner.assign(labels, 3, 2, PartitionScheme.shards(2), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shards need at least sources x shardsPerSource = 2 x 2 = 4 rows, got 3");
        assertThatThrownBy(() -> Partitioner.assign(labels, 3, 2, null, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("partition scheme must not be null");
        assertThatThrownBy(() -> PartitionScheme.dirichlet(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dirichlet alpha must be finite and > 0, got 0.0");
        assertThatThrownBy(() -> PartitionScheme.quantitySkew(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("quantity skew alpha must be finite and > 0, got Infinity");
        assertThatThrownBy(() -> PartitionScheme.shards(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shardsPerSource must be >= 1, got 0");
    }

    @Test
    void assign_noRows_emptyResult() {
        assertThat(Partitioner.assign(new int[0], 3, 5, PartitionScheme.dirichlet(1), 1)).isEmpty();
        assertThat(Partitioner.assign(new int[0], 1, 5, PartitionScheme.iid(), 1)).isEmpty();
    }
}
