package org.fedflink.bench;

import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A Flink metric reporter that hands the job's own counters to the bench, which runs the job on a
 * MiniCluster in the same JVM: the ingest's {@code recordsRead} and the trainers'
 * {@code updatesSent} (polled every millisecond), and every task's busy, back-pressured and idle
 * time per second (Flink's own bottleneck gauges, polled every 100 ms). Nothing is sent anywhere.
 * Configured by {@link #CONFIG}; found by Flink through {@code META-INF/services}.
 */
public final class BenchReporter implements MetricReporter {

    /** The Flink option that installs this reporter. */
    public static final String CONFIG_KEY = "metrics.reporter.fedflinkbench.factory.class";
    public static final String CONFIG = Factory.class.getName();

    /** Counters the bench reads. */
    static final Set<String> NAMES = Set.of("recordsRead", "updatesSent");
    /** Task gauges the bench reads (milliseconds per second). */
    static final Set<String> TASK_TIMES = Set.of("busyTimeMsPerSecond", "backPressuredTimeMsPerSecond",
            "idleTimeMsPerSecond");

    /** A counter of one operator subtask. */
    public record Tracked(String name, String operator, String subtask, Counter counter) {}

    /** A time gauge of one task subtask. */
    public record TaskGauge(String name, String task, String subtask, Gauge<?> gauge) {
        /** The gauge's value, NaN when it is not a number. */
        double value() {
            return gauge.getValue() instanceof Number n ? n.doubleValue() : Double.NaN;
        }
    }

    private static final List<Tracked> TRACKED = new CopyOnWriteArrayList<>();
    private static final List<TaskGauge> GAUGES = new CopyOnWriteArrayList<>();

    /** The counters reported since the last {@link #clear()}. */
    public static List<Tracked> tracked() {
        return TRACKED;
    }

    /** The task time gauges reported since the last {@link #clear()}. */
    public static List<TaskGauge> taskGauges() {
        return GAUGES;
    }

    /** Forgets the metrics of earlier jobs. */
    public static void clear() {
        TRACKED.clear();
        GAUGES.clear();
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (metric instanceof Counter counter && NAMES.contains(name)) {
            var variables = group.getAllVariables();
            TRACKED.add(new Tracked(name, variables.getOrDefault("<operator_name>", ""),
                    variables.getOrDefault("<subtask_index>", ""), counter));
        } else if (metric instanceof Gauge<?> gauge && TASK_TIMES.contains(name)) {
            var variables = group.getAllVariables();
            if (!variables.containsKey("<operator_name>")) {
                GAUGES.add(new TaskGauge(name, variables.getOrDefault("<task_name>", ""),
                        variables.getOrDefault("<subtask_index>", ""), gauge));
            }
        }
    }

    /** Kept: a finished subtask's final count still counts. */
    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {}

    /** Creates the reporter (Flink's way of instantiating reporters). */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new BenchReporter();
        }
    }
}
