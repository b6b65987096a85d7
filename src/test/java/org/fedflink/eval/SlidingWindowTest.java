package org.fedflink.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SlidingWindowTest {

    @Test
    void add_evictsWholeOldestChunksWhileRestCoversWindow() {
        SlidingWindow w = new SlidingWindow(10);
        assertThat(w.accuracy()).isNaN();
        assertThat(w.meanLoss()).isNaN();
        w.add(4, 4, 0.4);
        w.add(4, 2, 0.8);
        w.add(4, 0, 1.2);
        // 12 examples; dropping the oldest 4 would leave 8 < 10, so all three stay
        assertThat(w.examples()).isEqualTo(12);
        assertThat(w.accuracy()).isCloseTo(6.0 / 12, within(1e-12));
        assertThat(w.meanLoss()).isCloseTo(2.4 / 12, within(1e-12));
        w.add(3, 3, 0.3);
        // 15: the oldest chunk goes (11 >= 10 remain), the next cannot (7 < 10)
        assertThat(w.examples()).isEqualTo(11);
        assertThat(w.chunks()).isEqualTo(3);
        assertThat(w.accuracy()).isCloseTo(5.0 / 11, within(1e-12));
        assertThat(w.meanLoss()).isCloseTo(2.3 / 11, within(1e-12));
        // a chunk larger than the window replaces everything
        w.add(25, 5, 2.5);
        assertThat(w.examples()).isEqualTo(25);
        assertThat(w.chunks()).isEqualTo(1);
        assertThat(w.accuracy()).isCloseTo(0.2, within(1e-12));
        // empty chunks are ignored
        w.add(0, 0, 0);
        assertThat(w.chunks()).isEqualTo(1);
    }

    @Test
    void add_manyChunks_boundedAndAlwaysASuffixOfTheStream() {
        SplittableRandom r = new SplittableRandom(3);
        long window = 500;
        int maxChunks = 8;
        SlidingWindow w = new SlidingWindow(window, maxChunks);
        List<long[]> stream = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        long seen = 0;
        for (int step = 0; step < 2000; step++) {
            long samples = 1 + r.nextInt(step % 100 == 0 ? 300 : 40);
            long correct = r.nextLong(samples + 1);
            double loss = r.nextDouble() * samples;
            w.add(samples, correct, loss);
            stream.add(new long[] {samples, correct});
            losses.add(loss);
            seen += samples;

            assertThat(w.chunks()).isLessThanOrEqualTo(maxChunks);
            assertThat(w.examples()).isGreaterThanOrEqualTo(Math.min(window, seen));
            long[] state = w.toState();
            long oldest = state[4];
            if (w.chunks() > 1) {
                // the oldest chunk could not be dropped: without it the window would be short
                assertThat(w.examples() - oldest).isLessThan(window);
            }
            // merging and eviction keep contiguous runs, so the window is exactly the last m chunks
            long s = 0;
            long c = 0;
            double l = 0;
            int i = stream.size() - 1;
            while (s < w.examples()) {
                s += stream.get(i)[0];
                c += stream.get(i)[1];
                l += losses.get(i);
                i--;
            }
            assertThat(s).isEqualTo(w.examples());
            assertThat(w.accuracy()).isCloseTo((double) c / s, within(1e-12));
            assertThat(w.meanLoss()).isCloseTo(l / s, within(1e-9));
        }
    }

    @Test
    void add_smallUpdates_overshootStaysSmall() {
        // 1000 updates of 10 examples into a 1000-example window with 64 chunks: merged chunks are
        // about 2 * 1000 / 64 examples, so the window overshoots by a few dozen examples at most
        SlidingWindow w = new SlidingWindow(1000);
        long maxExamples = 0;
        for (int i = 0; i < 1000; i++) {
            w.add(10, i % 2 == 0 ? 10 : 0, 1.0);
            if (i > 200) {
                maxExamples = Math.max(maxExamples, w.examples());
            }
        }
        assertThat(maxExamples).isBetween(1000L, 1000L + 2 * 1000 / 64 + 20);
        assertThat(w.accuracy()).isCloseTo(0.5, within(0.05));
    }

    @Test
    void state_roundTrip_continuesIdentically() {
        SlidingWindow a = new SlidingWindow(100, 4);
        for (int i = 1; i <= 9; i++) {
            a.add(i * 3, i, i * 0.25);
        }
        SlidingWindow b = SlidingWindow.fromState(a.toState());
        assertThat(b.windowExamples()).isEqualTo(100);
        assertThat(b.examples()).isEqualTo(a.examples());
        assertThat(b.accuracy()).isEqualTo(a.accuracy());
        assertThat(b.meanLoss()).isEqualTo(a.meanLoss());
        for (int i = 0; i < 5; i++) {
            a.add(7, 3, 1.5);
            b.add(7, 3, 1.5);
        }
        assertThat(b.toState()).containsExactly(a.toState());
        assertThat(SlidingWindow.fromState(new SlidingWindow(5).toState()).examples()).isZero();
    }

    @Test
    void state_corrupt_rejected() {
        long[] good = new SlidingWindow(10).toState();
        long[] wrongVersion = good.clone();
        wrongVersion[0] = 99;
        assertThatThrownBy(() -> SlidingWindow.fromState(wrongVersion))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sliding window state has unknown version 99");
        assertThatThrownBy(() -> SlidingWindow.fromState(new long[] {1, 10}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sliding window state is too short: 2 entries");
        long[] badCount = good.clone();
        badCount[3] = 1;
        assertThatThrownBy(() -> SlidingWindow.fromState(badCount))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("sliding window state has 4 entries");
        long[] badChunk = {1, 10, 64, 1, 5, 6, Double.doubleToRawLongBits(1.0)};
        assertThatThrownBy(() -> SlidingWindow.fromState(badChunk))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sliding window state has an invalid chunk 0: samples=5, correct=6, lossSum=1.0");
    }

    @Test
    void add_invalid_rejected() {
        SlidingWindow w = new SlidingWindow(10);
        assertThatThrownBy(() -> w.add(-1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("samples must be >= 0, got -1");
        assertThatThrownBy(() -> w.add(3, 4, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("correct must be in [0, samples=3], got 4");
        assertThatThrownBy(() -> w.add(3, 1, -0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lossSum must be >= 0, got -0.5");
        assertThatThrownBy(() -> new SlidingWindow(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("windowExamples must be >= 1, got 0");
        // a diverged model's NaN loss shows until its chunk leaves the window
        w.add(10, 5, Double.NaN);
        assertThat(w.meanLoss()).isNaN();
        w.add(10, 5, 1.0);
        assertThat(w.meanLoss()).isCloseTo(0.1, within(1e-12));
    }
}
