package org.fedflink.model;

/**
 * Estimates of the heap an object takes on a 64-bit JVM with compressed references (the default
 * below 32 GB of heap): 12-byte object headers, 16-byte array headers, sizes rounded up to 8. For
 * caches that keep within a budget of memory; checked against measured heaps in the tests of the
 * classes that use it.
 */
public final class HeapBytes {

    private HeapBytes() {}

    /** An object's header and {@code fieldBytes} of fields, aligned. */
    public static long object(long fieldBytes) {
        return align(12 + fieldBytes);
    }

    /** An array of {@code length} elements of {@code elementBytes} each; 0 for null (length -1). */
    public static long array(int length, int elementBytes) {
        return length < 0 ? 0 : align(16 + (long) length * elementBytes);
    }

    /** A float array; 0 for null. */
    public static long of(float[] a) {
        return a == null ? 0 : array(a.length, Float.BYTES);
    }

    /** A double array; 0 for null. */
    public static long of(double[] a) {
        return a == null ? 0 : array(a.length, Double.BYTES);
    }

    /** A long array; 0 for null. */
    public static long of(long[] a) {
        return a == null ? 0 : array(a.length, Long.BYTES);
    }

    /** An int array; 0 for null. */
    public static long of(int[] a) {
        return a == null ? 0 : array(a.length, Integer.BYTES);
    }

    /** A String of Latin-1 characters (compact strings) and its bytes; 0 for null. */
    public static long of(String s) {
        return s == null ? 0 : object(12) + array(s.length(), 1);
    }

    private static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }
}
