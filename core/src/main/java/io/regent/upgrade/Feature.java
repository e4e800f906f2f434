package io.regent.upgrade;

import java.util.Arrays;
import java.util.List;

/**
 * What changes the wire or the disk in a way the previous release cannot read, with the group
 * version that turns it on (DESIGN.md §8.2). A feature is used only once the group is at its
 * version, which is only once every voter speaks it: until then a server may still be rolled
 * back to the previous release.
 */
public enum Feature {

    /**
     * Frames whose signature covers their version as well as their body (frame layout 3): a
     * frame's version can no longer be rewritten on its way, which matters once a receiver
     * believes the versions a sender speaks from the frames it sends.
     */
    SIGNED_FRAME_VERSION("signed-frame-version", 3);

    private final String wireName;
    private final int since;

    Feature(String wireName, int since) {
        this.wireName = wireName;
        this.since = since;
    }

    /** Its name in the API and the metrics. */
    public String wireName() {
        return wireName;
    }

    public boolean on(int groupVersion) {
        return groupVersion >= since;
    }

    /** The features a group at {@code groupVersion} uses. */
    public static List<Feature> enabledAt(int groupVersion) {
        return Arrays.stream(values()).filter(f -> f.on(groupVersion)).toList();
    }
}
