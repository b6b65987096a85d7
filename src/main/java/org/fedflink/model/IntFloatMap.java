package org.fedflink.model;

import java.util.Arrays;

/**
 * A map from non-negative int keys to float values, absent keys reading as 0: open addressing with
 * linear probing over two primitive arrays, so a sparse model offset costs 8 bytes a slot and no
 * boxing. There is no removal: a map that should shrink is rebuilt (see the trainer's rebase).
 * Not thread-safe.
 */
public final class IntFloatMap {
    private static final int EMPTY = -1;
    private static final int MIN_CAPACITY = 8;

    private int[] keys;
    private float[] values;
    private int size;
    private int mask;

    public IntFloatMap() {
        this(MIN_CAPACITY / 2);
    }

    /** A map that holds {@code expected} entries before it grows. */
    public IntFloatMap(int expected) {
        if (expected < 0) {
            throw new IllegalArgumentException("expected must be >= 0, got " + expected);
        }
        allocate(capacityFor(expected));
    }

    /** A map of {@code keys[i] -> values[i]}; the keys must be distinct and non-negative. */
    public static IntFloatMap of(int[] keys, float[] values) {
        if (keys.length != values.length) {
            throw new IllegalArgumentException(
                    "keys and values differ in length: " + keys.length + " and " + values.length);
        }
        IntFloatMap map = new IntFloatMap(keys.length);
        for (int i = 0; i < keys.length; i++) {
            map.put(keys[i], values[i]);
        }
        return map;
    }

    private static int capacityFor(int expected) {
        // load factor at most 1/2: probes stay short
        long wanted = Math.max(MIN_CAPACITY, 2L * expected);
        long capacity = Long.highestOneBit(wanted - 1) << 1;
        if (capacity > 1 << 30) {
            throw new IllegalArgumentException("too many entries: " + expected);
        }
        return (int) capacity;
    }

    private void allocate(int capacity) {
        keys = new int[capacity];
        Arrays.fill(keys, EMPTY);
        values = new float[capacity];
        mask = capacity - 1;
    }

    private int home(int key) {
        int h = key * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    public int size() {
        return size;
    }

    /** The heap this map takes, estimated ({@link HeapBytes}): two references, two ints, its tables. */
    public long heapBytes() {
        return HeapBytes.object(2 * 4 + 2 * 4) + HeapBytes.of(keys) + HeapBytes.of(values);
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public boolean containsKey(int key) {
        for (int slot = home(key); ; slot = (slot + 1) & mask) {
            int k = keys[slot];
            if (k == key) {
                return true;
            }
            if (k == EMPTY) {
                return false;
            }
        }
    }

    /** The value of {@code key}, or 0 if absent. */
    public float get(int key) {
        for (int slot = home(key); ; slot = (slot + 1) & mask) {
            int k = keys[slot];
            if (k == key) {
                return values[slot];
            }
            if (k == EMPTY) {
                return 0f;
            }
        }
    }

    /** @throws IllegalArgumentException if {@code key < 0} */
    public void put(int key, float value) {
        reserve(1);
        values[insertSlot(key)] = value;
    }

    /**
     * Makes room for {@code more} new entries, so that adding them does not grow the map: slots
     * returned by {@link #insertSlot} stay valid until then.
     */
    public void reserve(int more) {
        while ((long) (size + more) * 2 > keys.length) {
            grow();
        }
    }

    /**
     * The slot of {@code key}, inserted with value 0 if absent: one probe for a read followed by
     * a write ({@link #valueAt}, {@link #setValueAt}). Never grows the map; {@link #reserve} room
     * for the keys first.
     *
     * @throws IllegalArgumentException if {@code key < 0}
     * @throws IllegalStateException if the key is new and no room was reserved for it
     */
    public int insertSlot(int key) {
        if (key < 0) {
            throw new IllegalArgumentException("keys must be >= 0, got " + key);
        }
        int slot = home(key);
        while (true) {
            int k = keys[slot];
            if (k == key) {
                return slot;
            }
            if (k == EMPTY) {
                if ((size + 1) * 2 > keys.length) {
                    throw new IllegalStateException("no room reserved for a new key");
                }
                keys[slot] = key;
                size++;
                return slot;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** Sets the value of the entry in {@code slot} (a slot from {@link #insertSlot}). */
    public void setValueAt(int slot, float value) {
        values[slot] = value;
    }

    public void clear() {
        if (size > 0) {
            Arrays.fill(keys, EMPTY);
            Arrays.fill(values, 0f);
            size = 0;
        }
    }

    /** Makes this map hold exactly the entries of {@code other}. */
    public void copyFrom(IntFloatMap other) {
        if (keys.length != other.keys.length) {
            keys = new int[other.keys.length];
            values = new float[other.keys.length];
            mask = other.mask;
        }
        System.arraycopy(other.keys, 0, keys, 0, keys.length);
        System.arraycopy(other.values, 0, values, 0, values.length);
        size = other.size;
    }

    /**
     * Number of slots, for a pass over the entries without sorting: every slot {@code s} in
     * {@code [0, slots())} with {@code keyAt(s) >= 0} holds the entry {@code keyAt(s) ->
     * valueAt(s)}. The map must not change during such a pass.
     */
    public int slots() {
        return keys.length;
    }

    /** The key in slot {@code slot}, or -1 if the slot is empty. */
    public int keyAt(int slot) {
        return keys[slot];
    }

    /** The value in slot {@code slot} (0 if the slot is empty). */
    public float valueAt(int slot) {
        return values[slot];
    }

    /** The keys in ascending order. */
    public int[] sortedKeys() {
        int[] out = new int[size];
        int n = 0;
        for (int k : keys) {
            if (k != EMPTY) {
                out[n++] = k;
            }
        }
        Arrays.sort(out);
        return out;
    }

    /** The values of {@code keys}, in their order (0 for an absent key). */
    public float[] valuesOf(int[] keys) {
        float[] out = new float[keys.length];
        for (int i = 0; i < keys.length; i++) {
            out[i] = get(keys[i]);
        }
        return out;
    }

    private void grow() {
        int[] oldKeys = keys;
        float[] oldValues = values;
        allocate(keys.length * 2);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("{");
        for (int k : sortedKeys()) {
            if (text.length() > 1) {
                text.append(", ");
            }
            text.append(k).append('=').append(get(k));
        }
        return text.append('}').toString();
    }
}
