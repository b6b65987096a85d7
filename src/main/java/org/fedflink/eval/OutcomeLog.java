package org.fedflink.eval;

import java.util.Arrays;
import org.fedflink.model.HeapBytes;

/**
 * The prequential outcomes of a run of examples, in order: each example's loss and whether it was
 * predicted correctly. A source keeps one for the examples since its last report and ships it
 * with the report, so that the server's {@link SlidingWindow} covers exactly the last N examples
 * folded into the model.
 *
 * <p>Correct flags are bits: bit {@code i % 64} of word {@code i / 64}. Not thread-safe.
 */
public final class OutcomeLog {

    private float[] losses;
    private long[] correctBits;
    private int size;

    public OutcomeLog() {
        this(new float[8], new long[1], 0);
    }

    private OutcomeLog(float[] losses, long[] correctBits, int size) {
        this.losses = losses;
        this.correctBits = correctBits;
        this.size = size;
    }

    /** A log of copies of {@code losses} and {@code correctBits} (null: none correct). */
    public static OutcomeLog of(float[] losses, long[] correctBits) {
        int words = Math.max(1, (losses.length + 63) / 64);
        if (correctBits != null && correctBits.length < (losses.length + 63) / 64) {
            throw new IllegalArgumentException(losses.length + " losses but " + correctBits.length + " words of bits");
        }
        long[] bits = correctBits == null ? new long[words] : Arrays.copyOf(correctBits, words);
        return new OutcomeLog(Arrays.copyOf(losses, Math.max(1, losses.length)), bits, losses.length);
    }

    /** Appends one example's outcome. */
    public void add(float loss, boolean correct) {
        if (size == losses.length) {
            losses = Arrays.copyOf(losses, size * 2);
        }
        if ((size >>> 6) == correctBits.length) {
            correctBits = Arrays.copyOf(correctBits, correctBits.length * 2);
        }
        losses[size] = loss;
        if (correct) {
            correctBits[size >>> 6] |= 1L << size;
        }
        size++;
    }

    /** Appends every outcome of {@code other}, in order. */
    public void addAll(OutcomeLog other) {
        for (int i = 0; i < other.size; i++) {
            add(other.losses[i], other.correct(i));
        }
    }

    /** The heap this log takes, estimated ({@link HeapBytes}): two references, an int, its arrays. */
    public long heapBytes() {
        return HeapBytes.object(2 * 4 + 4) + HeapBytes.of(losses) + HeapBytes.of(correctBits);
    }

    public int size() {
        return size;
    }

    public boolean correct(int i) {
        return (correctBits[i >>> 6] & (1L << i)) != 0;
    }

    /** The losses, exactly {@link #size()} of them (a copy). */
    public float[] losses() {
        return Arrays.copyOf(losses, size);
    }

    /** The correct bits of the {@link #size()} outcomes (a copy, no longer than needed). */
    public long[] correctBits() {
        return Arrays.copyOf(correctBits, (size + 63) / 64);
    }

    /** Forgets every outcome (keeps the arrays for reuse). */
    public void clear() {
        Arrays.fill(correctBits, 0, Math.min(correctBits.length, (size + 63) / 64), 0);
        size = 0;
    }
}
