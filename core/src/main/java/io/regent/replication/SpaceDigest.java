package io.regent.replication;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The digest of a state space, kept up to date pair by pair: the sum of a hash of every pair,
 * so adding, removing or replacing a pair costs one hash and comparing servers costs nothing.
 * Written {@code count:hex}; equal spaces give equal digests whatever order built them.
 */
public final class SpaceDigest {

    /** Looked up once per thread: {@code getInstance} searches the providers on every call. */
    private static final ThreadLocal<MessageDigest> SHA = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    });

    private SpaceDigest() {
    }

    /** The contribution of one pair. */
    public static long hash(byte[] key, byte[] value) {
        MessageDigest sha = SHA.get();
        sha.update(key);
        sha.update((byte) 0);
        sha.update(value);
        return ByteBuffer.wrap(sha.digest()).getLong();
    }

    /** SHA-256 of {@code data}, with this thread's digest (for whoever else needs one). */
    public static byte[] sha256(byte[] data) {
        return SHA.get().digest(data);
    }

    public static String format(long count, long sum) {
        return count + ":" + Long.toHexString(sum);
    }
}
