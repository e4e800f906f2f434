package io.regent.machines;

import java.util.Base64;

/**
 * A command for an application's machine as the log holds it: {@code app <name> <payload>}, the
 * payload in base64. The tag cannot begin a key-value write ({@code put}, {@code del}, {@code nop},
 * {@code once}), so a log holds both kinds and every server tells them apart the same way. The
 * name is not checked here: a name no machine has is found out by looking it up.
 */
public record MachineCommand(String machine, byte[] payload) {

    private static final String TAG = "app ";

    /** Whether {@code command} is for an application's machine rather than the key-value store. */
    public static boolean isMachineCommand(String command) {
        return command.startsWith(TAG);
    }

    public String encode() {
        return TAG + machine + " " + Base64.getEncoder().encodeToString(payload);
    }

    /** @throws IllegalArgumentException naming what is wrong */
    public static MachineCommand decode(String command) {
        if (!isMachineCommand(command)) {
            throw new IllegalArgumentException("not a state machine's command");
        }
        int end = command.indexOf(' ', TAG.length());
        if (end < 0) {
            throw new IllegalArgumentException("a state machine's command needs a name and a payload");
        }
        return new MachineCommand(command.substring(TAG.length(), end), Base64.getDecoder().decode(command.substring(end + 1)));
    }
}
