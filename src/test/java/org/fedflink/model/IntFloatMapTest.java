package org.fedflink.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IntFloatMapTest {

    @Test
    void randomPutsAndClears_agreeWithAHashMap() {
        Random random = new Random(5);
        IntFloatMap map = new IntFloatMap();
        Map<Integer, Float> expected = new HashMap<>();
        for (int op = 0; op < 200_000; op++) {
            // keys that collide in the hash's low bits as well as random ones: long probe runs,
            // overwrites inside them, and growth while they are long
            int key = random.nextBoolean() ? random.nextInt(3_000) : random.nextInt(1 << 20) << 8;
            float value = random.nextFloat();
            map.put(key, value);
            expected.put(key, value);
            if (op % 10_000 == 0) {
                assertThat(map.size()).isEqualTo(expected.size());
                for (Map.Entry<Integer, Float> e : expected.entrySet()) {
                    assertThat(map.get(e.getKey())).isEqualTo(e.getValue());
                }
                for (int k = 0; k < 3_000; k++) {
                    assertThat(map.get(k)).isEqualTo(expected.getOrDefault(k, 0f));
                    assertThat(map.containsKey(k)).isEqualTo(expected.containsKey(k));
                }
            }
            if (op == 150_000) {
                // a cleared map keeps its capacity and takes new entries as a fresh one
                map.clear();
                expected.clear();
                assertThat(map.isEmpty()).isTrue();
            }
        }
        int[] keys = map.sortedKeys();
        assertThat(keys).hasSize(expected.size()).isSorted();
        float[] values = map.valuesOf(keys);
        for (int i = 0; i < keys.length; i++) {
            assertThat(values[i]).isEqualTo(expected.get(keys[i]));
        }
    }

    @Test
    void of_copyFrom_andClear() {
        IntFloatMap map = IntFloatMap.of(new int[] {7, 1_048_575, 0}, new float[] {1.5f, -2f, 0f});
        assertThat(map.size()).isEqualTo(3);
        assertThat(map.get(1_048_575)).isEqualTo(-2f);
        assertThat(map.containsKey(0)).isTrue();
        assertThat(map.get(8)).isZero();
        assertThat(map.containsKey(8)).isFalse();

        IntFloatMap copy = new IntFloatMap(100);
        copy.put(3, 3f);
        copy.copyFrom(map);
        map.put(7, 9f);
        assertThat(copy.sortedKeys()).containsExactly(0, 7, 1_048_575);
        assertThat(copy.get(7)).isEqualTo(1.5f);
        assertThat(copy.get(3)).isZero();

        copy.clear();
        assertThat(copy.isEmpty()).isTrue();
        assertThat(copy.get(7)).isZero();
        assertThat(copy).hasToString("{}");
    }

    @Test
    void insertSlot_readsAndWritesInOneProbe_withinReservedRoom() {
        IntFloatMap map = new IntFloatMap();
        map.put(4, 1f);
        map.reserve(100);
        int[] slots = new int[100];
        for (int k = 0; k < 100; k++) {
            slots[k] = map.insertSlot(k * 7);
        }
        assertThat(map.size()).isEqualTo(101); // keys 0, 7, .., 693 and the earlier 4
        assertThat(map.valueAt(map.insertSlot(4))).isEqualTo(1f);
        for (int k = 0; k < 100; k++) {
            assertThat(map.keyAt(slots[k])).isEqualTo(k * 7);
            assertThat(map.valueAt(slots[k])).isZero();
            map.setValueAt(slots[k], k);
        }
        for (int k = 0; k < 100; k++) {
            assertThat(map.get(k * 7)).isEqualTo((float) k);
        }
        IntFloatMap full = new IntFloatMap(0);
        for (int k = 0; k < 4; k++) {
            full.put(k, 1f);
        }
        assertThatThrownBy(() -> full.insertSlot(99)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void negativeKeysAndMismatchedArrays_areRefused() {
        IntFloatMap map = new IntFloatMap();
        assertThatThrownBy(() -> map.put(-1, 1f)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IntFloatMap.of(new int[] {1}, new float[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
