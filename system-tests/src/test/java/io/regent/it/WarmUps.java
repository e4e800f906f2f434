package io.regent.it;

import jakarta.json.JsonObject;

import java.util.HashSet;
import java.util.Set;

/**
 * Which servers of a group have finished their warm-up since they last started (README,
 * Operations, Warm-up). A server in its first minute is still compiling its code: on a slow
 * machine its timers fire late, so a test that compares servers waits until all are warm.
 */
public final class WarmUps {

    private final LocalGroup group;
    private final Set<Integer> warm = new HashSet<>();

    public WarmUps(LocalGroup group) {
        this.group = group;
    }

    /** Server i was started again: it warms up afresh. */
    public void restarted(int i) {
        warm.remove(i);
    }

    /** Whether every server was seen warm; each is asked until it is (its event log keeps 100 events). */
    public boolean all() {
        for (int i = 1; i <= group.size(); i++) {
            JsonObject s = warm.contains(i) ? null : group.status(i);
            if (s != null && s.getJsonArray("events").getValuesAs(JsonObject.class).stream()
                    .anyMatch(e -> "WarmUp".equals(e.getString("type")))) {
                warm.add(i);
            }
        }
        return warm.size() == group.size();
    }
}
