package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.fedflink.federation.SourceModel;
import org.fedflink.model.HeapBytes;
import org.junit.jupiter.api.Test;

/**
 * {@link SourceCache} within its budget of bytes: the least recently used sources leave for the
 * store (written back when changed) once the counted heap exceeds it, a source's growth is counted
 * when it is next touched, and a source that alone exceeds the budget is still kept while in use.
 */
class SourceCacheTest {

    /** Keyed state in a map, under the current key. */
    private static final class MapStore implements SourceCache.Store, KeyContext {
        final Map<String, SourceModel> stored = new HashMap<>();
        String currentKey;
        int writes;

        @Override
        public SourceModel read() {
            return stored.get(currentKey);
        }

        @Override
        public void write(SourceModel s) {
            writes++;
            stored.put(currentKey, s);
        }

        @Override
        public SourceModel fresh() {
            SourceModel s = new SourceModel();
            s.params = new float[100];
            return s;
        }

        @Override
        public void restored(SourceModel s) {}

        @Override
        public void setCurrentKey(Object key) {
            currentKey = (String) key;
        }

        @Override
        public Object getCurrentKey() {
            return currentKey;
        }
    }

    private static SourceModel load(SourceCache cache, MapStore store, String source) throws Exception {
        store.setCurrentKey(source);
        SourceModel s = cache.load(source);
        s.dirty = true;
        return s;
    }

    private static long counted(SourceModel s, String source) {
        return s.heapBytes() + SourceCache.ENTRY_BYTES + HeapBytes.of(source);
    }

    @Test
    void byteBudget_evictsLeastRecentlyUsed_countsGrowthWhenTouched() throws Exception {
        MapStore store = new MapStore();
        long one = counted(store.fresh(), "s0");
        SourceCache cache = new SourceCache(1_000, one * 3, store, store);
        SourceModel s0 = load(cache, store, "s0");
        load(cache, store, "s1");
        load(cache, store, "s2");
        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.bytes()).isEqualTo(3 * one);
        load(cache, store, "s0"); // s0 becomes the most recent: s1 leaves for s3
        load(cache, store, "s3");
        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.peek("s1")).isNull();
        assertThat(store.stored).containsOnlyKeys("s1");
        // s0's state grows; counted when next touched, s2 and s3 then leave for it
        s0.anchor = new float[400];
        load(cache, store, "s0");
        assertThat(cache.bytes()).isEqualTo(counted(s0, "s0"));
        assertThat(cache.size()).isEqualTo(1);
        assertThat(store.stored).containsOnlyKeys("s1", "s2", "s3");
        // a source back from the store is counted again; s0 (too big to share the budget) leaves
        SourceModel s1 = load(cache, store, "s1");
        assertThat(s1).isSameAs(store.stored.get("s1"));
        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.bytes()).isEqualTo(one);
        // alone over the budget, the source in use stays
        s1.anchor = new float[10_000];
        load(cache, store, "s1");
        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.bytes()).isEqualTo(counted(s1, "s1"));
        cache.clear();
        assertThat(cache.bytes()).isZero();
        assertThat(s1.cachedBytes).isZero();
    }

    @Test
    void entryBound_stillHolds_underALargeBudget() throws Exception {
        MapStore store = new MapStore();
        SourceCache cache = new SourceCache(2, Long.MAX_VALUE, store, store);
        for (int i = 0; i < 5; i++) {
            load(cache, store, "s" + i);
        }
        assertThat(cache.size()).isEqualTo(2);
        assertThat(store.stored).containsOnlyKeys("s0", "s1", "s2");
        assertThat(cache.bytes()).isEqualTo(counted(cache.peek("s3"), "s3") + counted(cache.peek("s4"), "s4"));
    }
}
