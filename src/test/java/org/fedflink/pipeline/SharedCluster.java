package org.fedflink.pipeline;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.fedflink.runner.LocalRunner;

/**
 * The MiniCluster that the job ITs of one class share, registered as
 * {@code @RegisterExtension static final MiniClusterExtension}: one cluster start per class
 * rather than one per run. The tests take it with {@code @InjectMiniCluster} and run their jobs
 * on it with {@link LocalRunner#runOn}, which builds and configures the job as {@code fedflink
 * run} does; this class gives the cluster the settings of the one {@code fedflink run} starts.
 *
 * <p>A test that kills a TaskManager keeps a cluster of its own ({@link LocalRunner#start}):
 * {@code MiniCluster.terminateTaskManager(0)} leaves the dead TaskManager at index 0, so the
 * tests after it could no longer kill the live one.
 */
final class SharedCluster {

    /**
     * RocksDB takes its memory from each slot's share of the managed memory; 64 MB a slot is the
     * share of the two slots of the quickstart on the cluster {@code fedflink run} starts (Flink's
     * local default of 128 MB), where the test cluster's default would be 80 MB in all.
     */
    private static final MemorySize MANAGED_MEMORY_PER_SLOT = MemorySize.ofMebiBytes(64);

    private SharedCluster() {
    }

    /** One TaskManager of {@code slots} slots: as many as the most any run of the class needs. */
    static MiniClusterExtension withSlots(int slots) {
        Configuration conf = Configuration.fromMap(LocalRunner.clusterSettings());
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MANAGED_MEMORY_PER_SLOT.multiply(slots));
        // Flink's default, which the test cluster would turn to overwriting files that exist
        conf.set(CoreOptions.FILESYTEM_DEFAULT_OVERRIDE, false);
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(conf)
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(slots)
                .build());
    }
}
