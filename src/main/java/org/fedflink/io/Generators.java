package org.fedflink.io;

import org.fedflink.config.JobSpec;
import org.fedflink.data.SyntheticGenerator;

/** The built-in generator as a job spec configures it. */
public final class Generators {
    private Generators() {}

    /** The generator of {@code spec}'s {@code input.generator} section, for its model and seed. */
    public static SyntheticGenerator.Config config(JobSpec spec) {
        JobSpec.GeneratorSpec g = spec.input().generator();
        return new SyntheticGenerator.Config(
                spec.model().type(), spec.model().features(), spec.model().classes(), g.sources(),
                g.labelSkew(), g.featureShift(), g.classSeparation(), g.noise(), g.corruptFraction(),
                g.eventIntervalMillis(), g.startTimeMillis(), spec.seed());
    }
}
