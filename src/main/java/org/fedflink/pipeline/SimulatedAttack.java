package org.fedflink.pipeline;

import java.io.Serializable;
import java.util.Optional;
import org.fedflink.config.JobSpec;
import org.fedflink.federation.Attacks;
import org.fedflink.federation.ByzantineSelection;
import org.fedflink.federation.LabelFlip;
import org.fedflink.federation.UpdateAttack;

/**
 * The job spec's {@code attack} section as the trainers apply it: which sources are Byzantine and
 * what they do, either to the update they send ({@code update}) or to the labels they learn from
 * ({@code labelFlip}); exactly one of the two is set. Everything is a function of the job's seed,
 * the source's name and the update's index, so a replay after a failure corrupts alike.
 *
 * @param byzantine which sources attack
 * @param update what a Byzantine source does to its update, or null
 * @param labelFlip how a Byzantine source flips its labels, or null
 * @param seed seed of randomised corruptions (the job's)
 */
public record SimulatedAttack(ByzantineSelection byzantine, UpdateAttack update, LabelFlip labelFlip, long seed)
        implements Serializable {

    /** The attack {@code spec} describes; empty when {@code attack.fraction} is 0. */
    public static Optional<SimulatedAttack> of(JobSpec spec) {
        JobSpec.AttackSpec a = spec.attack();
        if (!a.enabled()) {
            return Optional.empty();
        }
        ByzantineSelection byzantine = Attacks.byzantine(a.fraction(), spec.seed());
        return Optional.of(switch (a.type()) {
            case SIGNFLIP -> new SimulatedAttack(byzantine, Attacks.signFlip(), null, spec.seed());
            case SCALE -> new SimulatedAttack(byzantine, Attacks.scaling(a.scale()), null, spec.seed());
            case NOISE -> new SimulatedAttack(byzantine, Attacks.gaussianNoise(a.noiseStddev()), null, spec.seed());
            case LABELFLIP -> new SimulatedAttack(byzantine, null,
                    Attacks.labelFlip(spec.model().toSpec().isClassifier() ? spec.model().classes() : 2), spec.seed());
        });
    }

    /** Whether {@code source} is Byzantine. */
    public boolean isByzantine(String source) {
        return byzantine.isByzantine(source);
    }

    /** The label a source learns from: flipped for a Byzantine source of a label-flip attack. */
    public double label(boolean byzantineSource, double label) {
        return byzantineSource && labelFlip != null ? labelFlip.flip(label) : label;
    }

    /**
     * Corrupts in place the shard {@code shard} (of {@code shards}) of the {@code updateIndex}-th
     * update of a Byzantine source; does nothing for an honest source or a label-flip attack.
     */
    public void corrupt(boolean byzantineSource, String source, long updateIndex, int shard, int shards, float[] delta) {
        if (byzantineSource && update != null) {
            update.corrupt(delta, Attacks.updateSeed(seed, source, updateIndex * shards + shard));
        }
    }
}
