package io.regent.machines;

import io.regent.replication.Utf8;

import java.util.Base64;
import java.util.regex.Pattern;

/**
 * A command for an application's machine as the log holds it: {@code app <name> <payload>}, the
 * payload in base64. The tag cannot begin a key-value write ({@code put}, {@code del}, {@code nop},
 * {@code once}), so a log holds both kinds and every server tells them apart the same way.
 */
public record MachineCommand(String machine, byte[] payload) {

    private static final String TAG = "app ";
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,32}");

    public MachineCommand {
        checkName(machine);
    }

    /**
     * @throws IllegalArgumentException unless {@code name} is 1 to 32 lowercase letters, digits or '-'
     */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a state machine's name is 1 to 32 lowercase letters, digits or '-', got '"
                    + name + "'");
        }
        return name;
    }

    /** Whether {@code command} is for an application's machine rather than the key-value store. */
    public static boolean isMachineCommand(String command) {
        return command.startsWith(TAG);
    }

    public String encode() {
        return TAG + machine + " " + Base64.getEncoder().encodeToString(payload);
    }

    /** What the command takes in the log, before it is built: to check a limit first. */
    public static long encodedBytes(String machine, int payloadBytes) {
        return TAG.length() + Utf8.length(machine) + 1 + 4L * ((payloadBytes + 2) / 3);
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
