package org.fedflink.federation;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The clip-sum-noise core shared by {@link DpFixedClipping} and {@link DpAdaptiveClipping}
 * (McMahan, Ramage, Talwar and Zhang, "Learning Differentially Private Recurrent Language Models",
 * ICLR 2018): each delta is clipped to an L2 norm of at most {@code C}, the clipped deltas are
 * summed, Gaussian noise of standard deviation {@code z * C} is added to every coordinate of the
 * sum, and the result is divided by the number of updates {@code n}. This is the Gaussian
 * mechanism on the sum (adding or removing one source's update moves it by at most {@code C}),
 * and equals adding noise of standard deviation {@code z * C / n} to the mean, as Flower does
 * (with its fixed {@code num_sampled_clients} in place of the round's {@code n}).
 */
final class DpRound {
    private DpRound() {}

    /**
     * Adds the noisy mean of the clipped deltas to {@code global} and returns how many deltas were
     * within the bound (norm {@code <= clip}, so left unclipped).
     */
    static int applyNoisyMean(float[] global, List<float[]> deltas, double clip, double noiseStddevOfSum,
            SplittableRandom random) {
        double[] sum = new double[global.length];
        int unclipped = 0;
        for (float[] delta : deltas) {
            double norm = Vectors.l2Norm(delta);
            if (norm <= clip) {
                unclipped++;
            }
            double factor = Vectors.clipFactor(norm, clip);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += factor * delta[i];
            }
        }
        int n = deltas.size();
        for (int i = 0; i < sum.length; i++) {
            double noise = noiseStddevOfSum == 0 ? 0 : noiseStddevOfSum * random.nextGaussian();
            global[i] = (float) (global[i] + (sum[i] + noise) / n);
        }
        return unclipped;
    }
}
