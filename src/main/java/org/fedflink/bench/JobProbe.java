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
