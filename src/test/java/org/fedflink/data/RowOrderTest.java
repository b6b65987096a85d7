package org.fedflink.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RowOrderTest {

    private static long[] pass(RowOrder order, int p) {
        long[] out = new long[(int) order.n()];
        for (int j = 0; j < out.length; j++) {
            out[j] = order.rowAt(p * order.n() + j);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 7, 8, 9, 1000, 1024, 1025, 65537})
    void everyPass_isAPermutation(long n) {
        for (long seed : new long[] {0, 1, -7, 123456789}) {
            RowOrder order = new RowOrder(n, 3, true, seed);
            assertThat(order.size()).isEqualTo(3 * n);
            for (int p = 0; p < 3; p++) {
                BitSet seen = new BitSet((int) n);
                for (long row : pass(order, p)) {
                    assertThat(row).isBetween(0L, n - 1);
                    assertThat(seen.get((int) row)).as("row %d twice in pass %d (n=%d)", row, p, n).isFalse();
                    seen.set((int) row);
                }
                assertThat(seen.cardinality()).isEqualTo((int) n);
            }
        }
    }

    @Test
    void noShuffle_isFileOrderEveryPass() {
        RowOrder order = new RowOrder(5, 2, false, 99);
        long[] rows = new long[10];
        for (int i = 0; i < 10; i++) {
            rows[i] = order.rowAt(i);
        }
        assertThat(rows).containsExactly(0, 1, 2, 3, 4, 0, 1, 2, 3, 4);
        assertThat(order.passOf(4)).isZero();
        assertThat(order.passOf(5)).isEqualTo(1);
    }

    @Test
    void passesDiffer_seedsDiffer_sameSeedSameOrder() {
        RowOrder a = new RowOrder(1000, 4, true, 42);
        Set<String> passes = new HashSet<>();
        for (int p = 0; p < 4; p++) {
            passes.add(java.util.Arrays.toString(pass(a, p)));
        }
        assertThat(passes).as("4 distinct passes").hasSize(4);
        assertThat(pass(new RowOrder(1000, 4, true, 42), 2)).isEqualTo(pass(a, 2));
        assertThat(pass(new RowOrder(1000, 4, true, 43), 0)).isNotEqualTo(pass(a, 0));
        // the passes do not depend on how many passes there are
        assertThat(pass(new RowOrder(1000, 1, true, 42), 0)).isEqualTo(pass(a, 0));
        // and the identity is not among them
        long[] identity = pass(new RowOrder(1000, 1, false, 42), 0);
        assertThat(pass(a, 0)).isNotEqualTo(identity);
    }

    @Test
    void shuffle_looksRandom_displacementFixedPointsAndRuns() {
        int n = 100_000;
        RowOrder order = new RowOrder(n, 2, true, 2024);
        for (int p = 0; p < 2; p++) {
            long[] perm = pass(order, p);
            double displacement = 0;
            int fixedPoints = 0;
            int successors = 0; // perm[j + 1] == perm[j] + 1: order preserved from the file
            for (int j = 0; j < n; j++) {
                displacement += Math.abs(perm[j] - j);
                if (perm[j] == j) {
                    fixedPoints++;
                }
                if (j + 1 < n && perm[j + 1] == perm[j] + 1) {
                    successors++;
                }
            }
            // a uniform permutation: mean |perm[j] - j| = (n^2 - 1) / (3n) ~ n / 3; ~1 fixed point; ~1 successor
            assertThat(displacement / n / n).isCloseTo(1.0 / 3, within(0.01));
            assertThat(fixedPoints).isLessThan(10);
            assertThat(successors).isLessThan(10);
        }
    }

    @Test
    void shuffle_firstRowUniform_overSeeds() {
        // where row 0 of the pass comes from, over many seeds: uniform over [0, 10) (chi-square, 9 dof)
        int n = 10;
        int trials = 20_000;
        int[] counts = new int[n];
        for (int seed = 0; seed < trials; seed++) {
            counts[(int) new RowOrder(n, 1, true, seed).rowAt(0)]++;
        }
        assertThat(chiSquare(counts, trials)).as("chi-square of %s", java.util.Arrays.toString(counts))
                .isLessThan(27.9); // p = 0.001
    }

    @Test
    void shuffle_ofThree_allSixPermutationsAboutEquallyLikely() {
        int trials = 12_000;
        Map<String, Integer> counts = new HashMap<>();
        for (int seed = 0; seed < trials; seed++) {
            counts.merge(java.util.Arrays.toString(pass(new RowOrder(3, 1, true, seed), 0)), 1, Integer::sum);
        }
        assertThat(counts).hasSize(6);
        int[] c = counts.values().stream().mapToInt(Integer::intValue).toArray();
        assertThat(chiSquare(c, trials)).as("chi-square of %s", counts).isLessThan(20.5); // 5 dof, p = 0.001
    }

    private static double chiSquare(int[] counts, int trials) {
        double expected = (double) trials / counts.length;
        double chi = 0;
        for (int c : counts) {
            chi += (c - expected) * (c - expected) / expected;
        }
        return chi;
    }

    @Test
    void rowAt_isConstantMemoryAndFast_onHugeDatasets() {
        long n = 1_000_000_000_007L; // a permutation table would need terabytes
        RowOrder order = new RowOrder(n, 3, true, 8);
        Set<Long> seen = new HashSet<>();
        Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (long i = 0; i < 200_000; i++) {
                long row = order.rowAt(2 * n + i * 4_999_999L);
                assertThat(row).isBetween(0L, n - 1);
                seen.add(row);
            }
        });
        assertThat(seen).as("distinct positions map to distinct rows").hasSize(200_000);
        assertThat(order.rowAt(order.size() - 1)).isBetween(0L, n - 1);
    }

    @Test
    void emptyDataset_hasNoPositions() {
        RowOrder order = new RowOrder(0, 5, true, 1);
        assertThat(order.size()).isZero();
        assertThatThrownBy(() -> order.rowAt(0)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("position 0 out of bounds for 0 (0 rows x 5 passes)");
    }

    @Test
    void invalidArguments_rejected() {
        assertThatThrownBy(() -> new RowOrder(-1, 1, true, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("row count must not be negative (got -1)");
        assertThatThrownBy(() -> new RowOrder(10, 0, true, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("passes must be at least 1 (got 0)");
        assertThatThrownBy(() -> new RowOrder(Long.MAX_VALUE / 2, 3, true, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith("overflow a long");
        RowOrder order = new RowOrder(10, 2, true, 0);
        assertThatThrownBy(() -> order.rowAt(20)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> order.rowAt(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> order.permute(2, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> order.permute(0, 10)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void serializable_sameOrderAfterRoundTrip() throws IOException, ClassNotFoundException {
        RowOrder order = new RowOrder(777, 2, true, 31);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(order);
        }
        RowOrder copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (RowOrder) in.readObject();
        }
        assertThat(copy).isEqualTo(order);
        assertThat(pass(copy, 1)).isEqualTo(pass(order, 1));
    }
}
