package org.fedflink.federation;

import java.util.SplittableRandom;

/**
 * Seed derivation for the randomised parts (DP noise, attack simulation): every random stream is a
 * pure function of a configured seed and a position (a round number, a source name, an update
 * index), so a restored job draws exactly the noise it would have drawn without the failure.
 */
final class Seeds {
    private Seeds() {}

    /** SplitMix64's output finalizer (Stafford's variant 13): a bijective, well-avalanching mix. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A seed for element {@code index} of the streams of {@code seed}; distinct seeds and indices do not collide in practice. */
    static long derive(long seed, long index) {
        return mix64(mix64(seed) ^ mix64(index + 0x9e3779b97f4a7c15L));
    }

    /**
     * A 64-bit hash of a name (FNV-1a over its UTF-16 code units, then mixed), stable across JVMs
     * and runs, unlike {@code Object.hashCode} in general.
     */
    static long hash(String name) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < name.length(); i++) {
            h ^= name.charAt(i);
            h *= 0x100000001b3L;
        }
        return mix64(h);
    }

    static SplittableRandom random(long seed, long index) {
        return new SplittableRandom(derive(seed, index));
    }
}
