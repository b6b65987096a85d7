package org.fedflink.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches a job running in this JVM: polls the job's counters (through {@link BenchReporter})
 * about every millisecond and the heap every 10 ms, on one daemon thread, from
 * {@link #start()} to {@link #close()}.
 *
 * <p>Records the time the first example was read (the ingest's {@code recordsRead} turning
 * positive), the curve of updates emitted by the trainers ({@code updatesSent}, each change with
 * the poll before it, to place emissions between polls) and the peak heap in use. Times are
 * wall-clock milliseconds ({@link System#currentTimeMillis()}'s clock, the clock of the versions'
 * {@code createdMillis}) at sub-millisecond resolution.
 */
final class JobProbe implements AutoCloseable {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int HEAP_EVERY = 10;
    private static final int RSS_EVERY = 100;
    private static final int TASK_TIMES_EVERY = 100;

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final double epochOffsetMillis;
    private final Thread thread;
    private volatile boolean running = true;

    // written by the probe thread, read after close() (join orders them)
    private double firstReadMillis = Double.NaN;
    private long lastRead;
    private final List<double[]> emitted = new ArrayList<>();
    /** {time, CPU time of the whole process in ms} every 10 ms. */
    private final List<double[]> cpu = new ArrayList<>();
    /** Samples of the task time gauges, every 100 ms. */
    private final List<TaskSample> taskSamples = new ArrayList<>();

    private record TaskSample(double time, String task, String subtask, String gauge, double value) {}
    private long peakHeap;
    private long peakRssPolled;
    private long polls;

    JobProbe() {
        epochOffsetMillis = System.currentTimeMillis() - System.nanoTime() / 1e6;
        thread = new Thread(this::loop, "fedflink-bench-probe");
        thread.setDaemon(true);
    }

    JobProbe start() {
        thread.start();
        return this;
    }

    private double now() {
        return epochOffsetMillis + System.nanoTime() / 1e6;
    }

    private void loop() {
        double previous = now();
        long lastSent = 0;
        double lastRecorded = Double.NaN;
        emitted.add(new double[] {previous, 0});
        while (running) {
            LockSupport.parkNanos(POLL_NANOS);
            double t = now();
            long read = 0;
            long sent = 0;
            for (BenchReporter.Tracked c : BenchReporter.tracked()) {
                if (c.name().equals("recordsRead")) {
                    read += c.counter().getCount();
                } else {
                    sent += c.counter().getCount();
                }
            }
            if (read > 0 && lastRead == 0) {
                // the first example was read between the previous poll and this one
                firstReadMillis = (previous + t) / 2;
            }
            lastRead = read;
            if (sent != lastSent) {
                if (lastRecorded != previous) {
                    emitted.add(new double[] {previous, lastSent});
                }
                emitted.add(new double[] {t, sent});
                lastRecorded = t;
                lastSent = sent;
            }
            polls++;
            if (polls % HEAP_EVERY == 0) {
                peakHeap = Math.max(peakHeap, memory.getHeapMemoryUsage().getUsed());
                cpu.add(new double[] {t, os.getProcessCpuTime() / 1e6});
            }
            if (polls % RSS_EVERY == 0) {
                peakRssPolled = Math.max(peakRssPolled, ProcessMemory.rssBytes());
            }
            if (polls % TASK_TIMES_EVERY == 0) {
                for (BenchReporter.TaskGauge g : BenchReporter.taskGauges()) {
                    taskSamples.add(new TaskSample(t, g.task(), g.subtask(), g.name(), g.value()));
                }
            }
            previous = t;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
        peakHeap = Math.max(peakHeap, memory.getHeapMemoryUsage().getUsed());
    }

    /** When the first example was read (epoch ms), NaN if none was. */
    double firstReadMillis() {
        return firstReadMillis;
    }

    /** The trainers' emitted updates over time. */
    UpdateLatency.Curve emittedCurve() {
        double[] times = new double[emitted.size()];
        long[] counts = new long[emitted.size()];
        for (int i = 0; i < times.length; i++) {
            times[i] = emitted.get(i)[0];
            counts[i] = (long) emitted.get(i)[1];
        }
        return new UpdateLatency.Curve(times, counts);
    }

    /**
     * CPU time of the whole process (all threads: the job's, Flink's, GC, JIT, this probe) between
     * two times of the probe's life, in seconds, interpolated between the 10 ms samples; NaN when
     * they are not both within it.
     */
    double cpuSecondsBetween(double fromMillis, double toMillis) {
        double a = cpuAt(fromMillis);
        double b = cpuAt(toMillis);
        return (b - a) / 1000;
    }

    private double cpuAt(double t) {
        for (int i = 1; i < cpu.size(); i++) {
            double[] p = cpu.get(i - 1);
            double[] q = cpu.get(i);
            if (t >= p[0] && t <= q[0]) {
                return q[0] == p[0] ? q[1] : p[1] + (q[1] - p[1]) * (t - p[0]) / (q[0] - p[0]);
            }
        }
        return Double.NaN;
    }

    /**
     * Every task subtask's mean busy, back-pressured and idle time (fractions of wall-clock time,
     * Flink's {@code busyTimeMsPerSecond} etc. / 1000) between two times, busiest first. Flink
     * updates these gauges every 5 s with the mean of the 5 s before, so only samples from 5 s
     * after {@code fromMillis} count, and none of a subtask before its first update (when the
     * gauges still read 1000, 0, 0). Empty for a shorter window.
     */
    List<TaskTimes> taskTimes(double fromMillis, double toMillis) {
        // {busy, back-pressured, idle} per sample time and subtask
        java.util.Map<String, java.util.TreeMap<Double, double[]>> series = new java.util.LinkedHashMap<>();
        for (TaskSample s : taskSamples) {
            double[] v = series.computeIfAbsent(s.task() + "\u0000" + s.subtask(), k -> new java.util.TreeMap<>())
                    .computeIfAbsent(s.time(), k -> new double[] {Double.NaN, Double.NaN, Double.NaN});
            int i = switch (s.gauge()) {
                case "busyTimeMsPerSecond" -> 0;
                case "backPressuredTimeMsPerSecond" -> 1;
                default -> 2;
            };
            v[i] = s.value() / 1000;
        }
        List<TaskTimes> out = new ArrayList<>();
        series.forEach((key, samples) -> {
            double[] sum = new double[3];
            int n = 0;
            boolean updated = false;
            for (var e : samples.entrySet()) {
                double[] v = e.getValue();
                if (!(Double.isFinite(v[0]) && Double.isFinite(v[1]) && Double.isFinite(v[2]))) {
                    continue;
                }
                updated |= !(v[0] == 1 && v[1] == 0 && v[2] == 0);
                if (!updated || e.getKey() < fromMillis + 5000 || e.getKey() > toMillis) {
                    continue;
                }
                for (int i = 0; i < 3; i++) {
                    sum[i] += v[i];
                }
                n++;
            }
            if (n > 0) {
                String[] parts = key.split("\u0000", 2);
                out.add(new TaskTimes(parts[0], parts[1], sum[0] / n, sum[1] / n, sum[2] / n));
            }
        });
        out.sort(java.util.Comparator.comparingDouble(TaskTimes::busy).reversed());
        return out;
    }

    long peakHeapBytes() {
        return peakHeap;
    }

    long peakRssPolledBytes() {
        return peakRssPolled;
    }

    long polls() {
        return polls;
    }
}
