package io.regent.sim;

import java.util.Random;

/**
 * How late a host's timers fire: on a loaded JVM most firings come a little after they are due,
 * and now and then one comes as late as a collector's pause lets it. A punctual host's come on
 * time.
 */
final class TimerLag {

    /** Timers that fire when they are due. */
    static final TimerLag PUNCTUAL = new TimerLag(null, 0, 0, 0);

    private final Random rng;
    private final int jitter;
    private final double pauseChance;
    private final int longestPause;

    /**
     * @param jitter       the most a firing is late, ms, without a pause
     * @param pauseChance  the chance that a firing waits out a pause as well
     * @param longestPause the longest such pause, ms
     */
    TimerLag(Random rng, int jitter, double pauseChance, int longestPause) {
        this.rng = rng;
        this.jitter = jitter;
        this.pauseChance = pauseChance;
        this.longestPause = longestPause;
    }

    /** How late the next firing is, ms. */
    long next() {
        if (this == PUNCTUAL) {
            return 0;
        }
        long late = rng.nextInt(jitter + 1);
        if (rng.nextDouble() < pauseChance) {
            late += longestPause / 4 + rng.nextInt(longestPause - longestPause / 4 + 1);
        }
        return late;
    }

    /** The latest any firing can be, ms. */
    long longest() {
        return this == PUNCTUAL ? 0 : jitter + longestPause;
    }

    @Override
    public String toString() {
        return this == PUNCTUAL ? "punctual" : "late by up to " + jitter + " ms, " + longestPause + " ms in a pause";
    }
}
