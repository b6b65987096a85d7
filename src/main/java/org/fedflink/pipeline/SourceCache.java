package org.fedflink.pipeline;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.fedflink.federation.LocalLearner;
import org.fedflink.federation.SourceModel;
import org.fedflink.model.HeapBytes;

/**
 * The states of a trainer subtask's most recently used sources, in operator memory (LRU): a source
 * is read from keyed state (RocksDB) when it is first touched and written back only when it is
 * evicted or before a checkpoint barrier ({@link #writeBack}), never once per example.
 *
 * <p>Bounded in entries and in bytes: each source's heap ({@link SourceModel#heapBytes()}, with its
 * cache entry and name) is counted when it is touched, so a source whose state grew (a drift
 * detector's longer window, a sparse source's larger maps) counts as it is now, and the least
 * recently used sources leave while the count exceeds the budget.
 */
final class SourceCache {

    /** Where the states live in keyed state, under the operator's current key. */
    interface Store {
        /** The current key's stored state, or null. */
        SourceModel read() throws Exception;

        /** Writes {@code s} under the current key. */
        void write(SourceModel s) throws Exception;

        /** The state of a source never seen. */
        SourceModel fresh();

        /** Completes a state read from keyed state to its in-memory form. */
        void restored(SourceModel s);
    }

    /** A reader of the current key's stored state (a trainer may also look under a legacy name). */
    @FunctionalInterface
    interface StoredState {
        SourceModel read() throws Exception;
    }

    /** The store of a trainer: {@code read} reads, {@code state} is written, {@code states} makes and completes. */
    static Store store(StoredState read, ValueState<SourceModel> state, LocalLearner states) {
        return store(read, state, states, s -> {});
    }

    /**
     * The same, calling {@code beforeWrite} with each state just before it is written, under its
     * key (what a state must take along when it goes to keyed state).
     */
    static Store store(StoredState read, ValueState<SourceModel> state, LocalLearner states,
            Consumer<SourceModel> beforeWrite) {
        return new Store() {
            @Override
            public SourceModel read() throws Exception {
                return read.read();
            }

            @Override
            public void write(SourceModel s) throws Exception {
                beforeWrite.accept(s);
                state.update(s);
            }

            @Override
            public SourceModel fresh() {
                return states.fresh();
            }

            @Override
            public void restored(SourceModel s) {
                states.restored(s);
            }
        };
    }

    /** A cache entry besides the source's heap and name: the map's entry (six fields) and table slot. */
    static final long ENTRY_BYTES = HeapBytes.object(4 * 4 + 4 + 2 * 4) + 8;

    private final LinkedHashMap<String, SourceModel> cache = new LinkedHashMap<>(16, 0.75f, true);
    private final int capacity;
    private final long budgetBytes;
    private final KeyContext keys;
    private final Store store;
    /** The cached sources' heap as last counted. */
    private long bytes;
    /** Sources taken into the cache, fresh or from keyed state. */
    private long sourcesLoaded;

    /** At most {@code capacity} sources taking at most {@code budgetBytes} (but always the one in use). */
    SourceCache(int capacity, long budgetBytes, KeyContext keys, Store store) {
        this.capacity = capacity;
        this.budgetBytes = budgetBytes;
        this.keys = keys;
        this.store = store;
    }

    /**
     * How many times a source was taken into the cache, fresh or from keyed state: the distinct
     * sources of this subtask while none is evicted, more once some are.
     */
    long sourcesLoaded() {
        return sourcesLoaded;
    }

    /** The state of {@code source}, which must be the current key: cached, else stored, else fresh. */
    SourceModel load(String source) throws Exception {
        SourceModel s = cache.get(source);
        if (s == null) {
            s = store.read();
            if (s == null) {
                s = store.fresh();
            } else {
                store.restored(s);
            }
            cache.put(source, s);
            sourcesLoaded++;
        }
        count(source, s);
        while (cache.size() > 1 && (cache.size() > capacity || bytes > budgetBytes)) {
            evictEldest(source);
        }
        return s;
    }

    /** Counts {@code s} at its size now, in place of what was counted for it before. */
    private void count(String source, SourceModel s) {
        long now = s.heapBytes() + ENTRY_BYTES + HeapBytes.of(source);
        bytes += now - s.cachedBytes;
        s.cachedBytes = now;
    }

    /** The cached sources' heap as last counted (for tests and gauges). */
    long bytes() {
        return bytes;
    }

    /** Sources cached. */
    int size() {
        return cache.size();
    }

    /** The cached state of {@code source}, or null; reads nothing from keyed state. */
    SourceModel peek(String source) {
        return cache.get(source);
    }

    private void evictEldest(String currentKey) throws Exception {
        Iterator<Map.Entry<String, SourceModel>> it = cache.entrySet().iterator();
        Map.Entry<String, SourceModel> eldest = it.next();
        it.remove();
        bytes -= eldest.getValue().cachedBytes;
        eldest.getValue().cachedBytes = 0;
        if (eldest.getValue().dirty) {
            keys.setCurrentKey(eldest.getKey());
            write(eldest.getValue());
            keys.setCurrentKey(currentKey);
        }
    }

    /** Writes {@code s} under the current key and marks it clean. */
    void write(SourceModel s) throws Exception {
        store.write(s);
        s.dirty = false;
    }

    /** Writes every changed cached state to keyed state; before a barrier and at the end of input. */
    void writeBack() throws Exception {
        Object current = keys.getCurrentKey();
        for (Map.Entry<String, SourceModel> cached : cache.entrySet()) {
            if (cached.getValue().dirty) {
                keys.setCurrentKey(cached.getKey());
                write(cached.getValue());
            }
        }
        if (current != null) {
            keys.setCurrentKey(current);
        }
    }

    /** The keys {@code backend} holds state of under {@code descriptor}'s name, in no particular order. */
    static Set<String> storedSources(KeyedStateBackend<?> backend, StateDescriptor<?, ?> descriptor)
            throws Exception {
        Set<String> sources = new LinkedHashSet<>();
        try (var keys = backend.<VoidNamespace>getKeys(descriptor.getName(), VoidNamespace.INSTANCE)) {
            keys.forEach(k -> sources.add((String) k));
        }
        return sources;
    }

    /** Forgets every cached state (write them back first). */
    void clear() {
        for (SourceModel s : cache.values()) {
            s.cachedBytes = 0;
        }
        cache.clear();
        bytes = 0;
    }
}
