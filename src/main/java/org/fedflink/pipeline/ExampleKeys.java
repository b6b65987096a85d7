package org.fedflink.pipeline;

import org.apache.flink.api.java.functions.KeySelector;
import org.fedflink.data.Example;

/**
 * How examples are keyed to learners: by their source (a learner per source, as in federated
 * learning and the local-only baseline) or all under {@link FedJob#CENTRALIZED_KEY} (the one learner
 * of a centralized loop).
 */
final class ExampleKeys {

    private ExampleKeys() {}

    static KeySelector<Example, String> bySource() {
        return new SourceKey();
    }

    static KeySelector<Example, String> allAsOne() {
        return new ConstantKey();
    }

    private static final class SourceKey implements KeySelector<Example, String> {
        @Override
        public String getKey(Example example) {
            return example.source();
        }
    }

    private static final class ConstantKey implements KeySelector<Example, String> {
        @Override
        public String getKey(Example example) {
            return FedJob.CENTRALIZED_KEY;
        }
    }
}
