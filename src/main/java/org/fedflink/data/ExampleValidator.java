package org.fedflink.data;

import java.io.Serializable;
import org.fedflink.model.ModelSpec;

/** The validity rules every example must pass before it reaches a trainer, whatever its origin. */
public final class ExampleValidator implements Serializable {

    public ExampleValidator(ModelSpec spec) {
        throw new UnsupportedOperationException("TODO");
    }

    /** @return {@code null} when valid, else the reason (one line) */
    public String check(Example example) {
        throw new UnsupportedOperationException("TODO");
    }
}
