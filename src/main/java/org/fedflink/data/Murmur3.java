package org.fedflink.data;

/**
 * MurmurHash3 x86_32 (Austin Appleby's public-domain reference, {@code MurmurHash3_x86_32}): the
 * same values as Guava's {@code murmur3_32_fixed}, Python's {@code mmh3.hash} (signed) and
 * scikit-learn's {@code murmurhash3_32}, so hashed features can be reproduced outside the job.
 * Hand-written because it runs once per word of every text row and no library on the classpath
 * hashes a byte-array slice without copying.
 */
final class Murmur3 {

    private static final int C1 = 0xcc9e2d51;
    private static final int C2 = 0x1b873593;

    private Murmur3() {}

    /** The hash of {@code data[offset, offset + length)}, blocks read little-endian as the reference does. */
    static int hash32(byte[] data, int offset, int length, int seed) {
        int h1 = seed;
        int end = offset + (length & ~3);
        for (int i = offset; i < end; i += 4) {
            int k1 = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | data[i + 3] << 24;
            h1 ^= mixK1(k1);
            h1 = Integer.rotateLeft(h1, 13);
            h1 = h1 * 5 + 0xe6546b64;
        }
        int tail = length & 3;
        if (tail != 0) {
            int k1 = data[end] & 0xff;
            if (tail > 1) {
                k1 |= (data[end + 1] & 0xff) << 8;
            }
            if (tail > 2) {
                k1 |= (data[end + 2] & 0xff) << 16;
            }
            h1 ^= mixK1(k1);
        }
        h1 ^= length;
        return fmix32(h1);
    }

    private static int mixK1(int k1) {
        k1 *= C1;
        k1 = Integer.rotateLeft(k1, 15);
        return k1 * C2;
    }

    private static int fmix32(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }
}
