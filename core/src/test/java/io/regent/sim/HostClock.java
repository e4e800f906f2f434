package io.regent.sim;

/**
 * A simulated host's clock: a fixed offset from the simulation's time and a rate of its own, as a
 * machine's oscillator drifts. Timers are asked for in this clock's milliseconds, so on a host
 * whose clock runs fast they run out early in the simulation's time, and late where it runs slow.
 */
final class HostClock {

    private static final long MILLIONTHS = 1_000_000;

    private final long offset;
    /** How far this clock's rate is from the simulation's, in millionths: positive runs fast. */
    private final long drift;

    HostClock(long offset, long drift) {
        if (Math.abs(drift) >= MILLIONTHS / 2) {
            throw new IllegalArgumentException("a clock that drifts by " + drift + " millionths");
        }
        this.offset = offset;
        this.drift = drift;
    }

    /** What this clock reads at the simulation's time {@code now}. */
    long read(long now) {
        return drift == 0 ? now + offset : now + offset + Math.floorDiv(now * drift, MILLIONTHS);
    }

    /** The first simulation time at which this clock reads at least {@code reading}. */
    long when(long reading) {
        if (drift == 0) {
            return reading - offset;
        }
        long t = Math.floorDiv((reading - offset) * MILLIONTHS, MILLIONTHS + drift);
        while (read(t) < reading) {
            t++;
        }
        while (read(t - 1) >= reading) {
            t--;
        }
        return t;
    }

    @Override
    public String toString() {
        return String.format("%+d ms, %+.1f %%", offset, drift / 10_000.0);
    }
}
