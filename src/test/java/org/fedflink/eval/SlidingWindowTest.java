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
    void add_holdsExactlyTheLastNExamples() {
        SlidingWindow w = new SlidingWindow(500);
        assertThat(w.accuracy()).isNaN();
        assertThat(w.meanLoss()).isNaN();
        SplittableRandom r = new SplittableRandom(7);
        List<float[]> stream = new ArrayList<>();
        for (int i = 0; i < 2_345; i++) {
            float loss = (float) r.nextDouble(3);
            boolean correct = r.nextBoolean();
            w.add(loss, correct);
            stream.add(new float[] {loss, correct ? 1 : 0});
            // by hand: the last min(i + 1, 500) examples
            int n = Math.min(stream.size(), 500);
            double lossSum = 0;
            int right = 0;
            for (float[] e : stream.subList(stream.size() - n, stream.size())) {
                lossSum += e[0];
                right += (int) e[1];
            }
            assertThat(w.examples()).isEqualTo(n);
            assertThat(w.accuracy()).isEqualTo((double) right / n);
            assertThat(w.meanLoss()).isCloseTo(lossSum / n, within(1e-9));
        }
    }

    @Test
    void addAll_windowOf500_givesTheFiguresOfTheLast500NotOfWholeUpdates() {
        // 30 updates of 20 examples: 600 examples, the first 100 all wrong with loss 2, the rest right with loss 0
        SlidingWindow w = new SlidingWindow(500);
        for (int u = 0; u < 30; u++) {
            float[] losses = new float[20];
            long[] correct = new long[1];
            for (int i = 0; i < 20; i++) {
                boolean early = u * 20 + i < 100;
                losses[i] = early ? 2f : 0f;
                if (!early) {
                    correct[0] |= 1L << i;
                }
            }
            w.addAll(losses, correct, 20);
        }
        assertThat(w.examples()).isEqualTo(500);
        assertThat(w.accuracy()).isEqualTo(1.0);
        assertThat(w.meanLoss()).isZero();
    }

    @Test
    void state_roundTrip_continuesIdentically() {
        SplittableRandom r = new SplittableRandom(11);
        SlidingWindow a = new SlidingWindow(77);
        for (int i = 0; i < 130; i++) {
            a.add((float) r.nextDouble(), r.nextBoolean());
        }
        SlidingWindow b = SlidingWindow.fromState(a.toState());
        assertThat(b.examples()).isEqualTo(a.examples());
        assertThat(b.accuracy()).isEqualTo(a.accuracy());
        assertThat(b.meanLoss()).isCloseTo(a.meanLoss(), within(1e-9));
        for (int i = 0; i < 200; i++) {
            float loss = (float) r.nextDouble();
            boolean correct = r.nextBoolean();
            a.add(loss, correct);
            b.add(loss, correct);
            assertThat(b.accuracy()).isEqualTo(a.accuracy());
            assertThat(b.meanLoss()).isCloseTo(a.meanLoss(), within(1e-9));
        }
        assertThat(SlidingWindow.fromState(new SlidingWindow(3).toState()).examples()).isZero();
    }

    @Test
    void fromState_earlierApproximateWindow_restoresEmptyOfItsSize() {
        // format 1: version, windowExamples, maxChunks, chunk count, then the chunks
        SlidingWindow w = SlidingWindow.fromState(new long[] {1, 500, 64, 1, 20, 15, Double.doubleToRawLongBits(3.0)});
        assertThat(w.windowExamples()).isEqualTo(500);
        assertThat(w.examples()).isZero();
    }

    @Test
    void state_corrupt_rejected() {
        assertThatThrownBy(() -> SlidingWindow.fromState(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SlidingWindow.fromState(new long[] {9, 10, 0, 0}))
                .hasMessage("sliding window state has unknown version 9");
        long[] state = new SlidingWindow(10).toState();
        long[] truncated = java.util.Arrays.copyOf(state, state.length - 1);
        assertThatThrownBy(() -> SlidingWindow.fromState(truncated))
                .hasMessage("sliding window state of " + truncated.length + " entries does not fit its window of 10");
        state[2] = 11;
        assertThatThrownBy(() -> SlidingWindow.fromState(state)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void add_invalid_rejected() {
        assertThatThrownBy(() -> new SlidingWindow(0))
                .hasMessage("windowExamples must be between 1 and 1000000, got 0");
        assertThatThrownBy(() -> new SlidingWindow(1_000_001)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SlidingWindow(5).add(-1f, true)).hasMessage("loss must be >= 0, got -1.0");
        // a diverged example shows in the mean loss until it leaves the window
        SlidingWindow w = new SlidingWindow(2);
        w.add(Float.NaN, false);
        assertThat(w.meanLoss()).isNaN();
        w.add(1f, true);
        w.add(1f, true);
        assertThat(w.meanLoss()).isEqualTo(1.0);
    }
}
