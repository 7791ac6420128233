package io.weft.sidecar.upstream;

import java.nio.charset.StandardCharsets;

/** A fast 64-bit string hash (FNV-1a, then the SplitMix64 finaliser for avalanche) for hash rings. */
final class Hash64 {
    private Hash64() {
    }

    static long of(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return h;
    }
}
