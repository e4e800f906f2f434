package io.regent.sim;

import java.util.Random;

/**
 * A simulated host's disk as its group commit sees it: how long each fsync takes, and whether it
 * fails. Most take a few milliseconds; a stalled one takes as long as a disk behind a busy
 * controller or a full write cache can hold it; a failed one throws, as {@code DiskStorage.sync}
 * does when RocksDB's WAL sync fails.
 */
final class SimDisk {

    private final Random rng;
    private final long usual;
    private double stallChance;
    private int longestStall;
    /** The next fsync's stall, ms, when a scenario asked for one; else 0. */
    private long stallNext;
    private boolean failNext;

    /** @param usual the longest an fsync takes when nothing is wrong, ms */
    SimDisk(Random rng, long usual) {
        this.rng = rng;
        this.usual = usual;
    }

    /** From now on, each fsync stalls with this chance, for up to {@code longest} ms. */
    void stalls(double chance, int longest) {
        this.stallChance = chance;
        this.longestStall = longest;
    }

    /** The next fsync takes {@code millis} ms longer than usual. */
    void stallNext(long millis) {
        stallNext = millis;
    }

    /** The next fsync fails. */
    void failNext() {
        failNext = true;
    }

    /** How long the fsync starting now takes, ms. */
    long syncTime() {
        long time = 1 + rng.nextInt((int) usual);
        if (stallNext > 0) {
            time += stallNext;
            stallNext = 0;
        } else if (stallChance > 0 && rng.nextDouble() < stallChance) {
            time += longestStall / 10 + rng.nextInt(longestStall - longestStall / 10 + 1);
        }
        return time;
    }

    /** Whether the fsync starting now fails. */
    boolean syncFails() {
        boolean fails = failNext;
        failNext = false;
        return fails;
    }

    /** Whether an fsync that took {@code time} ms stalled. */
    boolean stalled(long time) {
        return time > usual;
    }

    /** The disk works as usual again: no stall or failure to come. */
    void recover() {
        stallChance = 0;
        stallNext = 0;
        failNext = false;
    }
}
