package io.regent.protocol;

import java.util.List;

/**
 * D(i) of claims 10-13:
 * {@code base + Σ_{k ∈ B, index(k) < index(i)} max_{j ∈ B, index(j) ≥ index(i)} d(k, j)},
 * plus, for any server but the best-ranked of B, the detection skew: survivors can suspect
 * the same crash one detection tick apart, and the best must still fire first.
 */
final class ElectionDelay {

    private ElectionDelay() {
    }

    /**
     * @param backups B sorted best first, {@code self} included, the failed master excluded
     */
    static long of(String self, List<String> backups, DelayMatrix delays, long base, long detectionSkew) {
        int position = backups.indexOf(self);
        long delay = base;
        for (int k = 0; k < position; k++) {
            long worst = 0;
            for (int j = position; j < backups.size(); j++) {
                worst = Math.max(worst, delays.oneWay(backups.get(k), backups.get(j)));
            }
            delay += worst;
        }
        return position > 0 ? delay + detectionSkew : delay;
    }
}
