package io.regent.upgrade;

/**
 * The versions of the wire protocol this build speaks (DESIGN.md §8.1). A build opens frames of
 * its own version and of the one before it, and writes at the group's version, so servers of two
 * neighbouring releases work side by side while a group is rolled from one to the other.
 */
public final class ProtocolVersion {

    /** The newest version this build speaks: what it writes once the group is at it. */
    public static final int CURRENT = 3;
    /** The oldest version this build still opens and writes. */
    public static final int OLDEST = CURRENT - 1;
    /**
     * The version of a group that has no version recorded: one made by release 0.1.0, which
     * predates the record and speaks version 2 alone.
     */
    public static final int UNRECORDED = 2;

    private ProtocolVersion() {
    }

    /** Whether this build opens frames of {@code version}. */
    public static boolean opens(int version) {
        return version >= OLDEST && version <= CURRENT;
    }

    /** The version this build writes in a group at {@code groupVersion}: the group's, within what it speaks. */
    public static int writes(int groupVersion) {
        return Math.max(OLDEST, Math.min(CURRENT, groupVersion));
    }

    /**
     * Why this build cannot serve a group whose recorded version is {@code groupVersion}, or null:
     * a group past what it speaks was finalised by a newer release; one before what it opens
     * must first be rolled through the release between.
     */
    public static String refusal(int groupVersion) {
        if (groupVersion > CURRENT) {
            return "the group is at protocol version " + groupVersion + ", newer than this build's " + range()
                    + ": it was finalised by a newer release, so run that release (a downgrade past finalising is "
                    + "not supported)";
        }
        if (groupVersion < OLDEST) {
            return "the group is at protocol version " + groupVersion + ", older than this build's " + range()
                    + ": upgrade it through the release in between first";
        }
        return null;
    }

    /** What this build speaks, as operators read it: {@code 2-3}. */
    public static String range() {
        return OLDEST + "-" + CURRENT;
    }
}
