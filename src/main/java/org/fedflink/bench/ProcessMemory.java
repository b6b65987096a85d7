package org.fedflink.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Memory of this process (the job runs in it): resident set size from {@code /proc/self/status},
 * and the heap left in use after each garbage collection (the live data, garbage excluded).
 */
final class ProcessMemory {

    private ProcessMemory() {}

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");
    private static volatile long peakAfterGc;
    private static volatile boolean listening;

    /**
     * Resets the kernel's peak RSS of this process (VmHWM) to the current RSS, so that
     * {@link #peakRssBytes()} covers what follows; false when the kernel does not allow it.
     */
    static boolean resetPeakRss() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** The kernel's peak RSS (VmHWM) in bytes, -1 when unknown. */
    static long peakRssBytes() {
        return statusKb("VmHWM:");
    }

    /** The current RSS (VmRSS) in bytes, -1 when unknown. */
    static long rssBytes() {
        return statusKb("VmRSS:");
    }

    private static long statusKb(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field)) {
                    String[] parts = line.substring(field.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /** Starts (once) following garbage collections, and resets the peak heap after GC to 0. */
    static synchronized void resetPeakHeapAfterGc() {
        if (!listening) {
            Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP)
                    .map(MemoryPoolMXBean::getName)
                    .collect(Collectors.toSet());
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof NotificationEmitter emitter) {
                    emitter.addNotificationListener((notification, handback) -> {
                        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
                                .equals(notification.getType())) {
                            return;
                        }
                        var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                        long used = 0;
                        for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                            if (heapPools.contains(e.getKey())) {
                                MemoryUsage u = e.getValue();
                                used += u.getUsed();
                            }
                        }
                        peakAfterGc = Math.max(peakAfterGc, used);
                    }, null, null);
                }
            }
            listening = true;
        }
        peakAfterGc = 0;
    }

    /** The largest heap in use right after a collection since the last reset, 0 when none ran. */
    static long peakHeapAfterGcBytes() {
        return peakAfterGc;
    }
}
