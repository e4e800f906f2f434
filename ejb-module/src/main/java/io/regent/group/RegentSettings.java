package io.regent.group;

import io.regent.protocol.ProtocolConfig;
import io.regent.replication.ReplicationConfig;
import org.eclipse.microprofile.config.Config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * This server's configuration, read from MicroProfile Config (server.xml variables, system
 * properties and environment variables such as {@code REGENT_SERVER_ID}) and checked once at
 * start. A bad or missing value fails start-up with a {@link BadSettingException} naming its key.
 */
public record RegentSettings(String group, String serverId, int index, String url, ProtocolConfig protocol,
        String controlTopic, String requestsTopic, byte[] signingKey, ReplicationConfig replication, int maxValueBytes) {

    public static final String GROUP = "regent.group";
    public static final String SERVER_ID = "regent.server.id";
    public static final String SERVER_INDEX = "regent.server.index";
    public static final String SERVER_URL = "regent.server.url";
    public static final String MEMBERS = "regent.members";
    public static final String DETECTION_INTERVAL = "regent.detection.interval";
    public static final String REPLY_TIMEOUT = "regent.reply.timeout";
    public static final String MISSES = "regent.detection.misses";
    public static final String ELECTION_BASE = "regent.election.base";
    public static final String HOP_MIN = "regent.hop.min";
    public static final String PROBE_INTERVAL = "regent.probe.interval";
    public static final String DISCOVERY_WINDOW = "regent.discovery.window";
    public static final String PREEMPT = "regent.preempt";
    public static final String PREEMPT_DELAY = "regent.preempt.delay";
    public static final String DELAY_HISTORY = "regent.delay.history";
    public static final String CONTROL_TOPIC = "regent.topic.control";
    public static final String REQUESTS_TOPIC = "regent.topic.requests";
    public static final String SIGNING_KEY = "regent.signing.key";
    public static final String MIN_ACKS = "regent.replication.min-acks";
    public static final String REPLICATION_TIMEOUT = "regent.replication.timeout";
    public static final String RETENTION = "regent.replication.retention";
    public static final String MAX_VALUE_BYTES = "regent.kv.max-value-bytes";

    /** Thrown when a setting is missing or bad; its message starts with the key. */
    public static final class BadSettingException extends IllegalStateException {
        public BadSettingException(String key, String problem) {
            super(key + ": " + problem);
        }
    }

    public static RegentSettings from(Config config) {
        Reader r = new Reader(config);
        String id = r.text(SERVER_ID, null);
        int index = (int) r.number(SERVER_INDEX, null, 1, 1_000_000);
        Map<String, Integer> members = parseMembers(r.text(MEMBERS, null));
        if (!Integer.valueOf(index).equals(members.get(id))) {
            throw new BadSettingException(MEMBERS, "must list " + id + ":" + index + " (this server's id and index)");
        }
        String url = r.text(SERVER_URL, "http://localhost:9080");
        // the protocol's defaults live in one place, the core
        ProtocolConfig d = ProtocolConfig.defaults(id, members);
        ProtocolConfig protocol = new ProtocolConfig(id, url, members,
                r.number(DETECTION_INTERVAL, d.detectionInterval(), 5, 60_000),
                r.number(REPLY_TIMEOUT, d.replyTimeout(), 1, 60_000),
                (int) r.number(MISSES, (long) d.misses(), 1, 100),
                r.number(ELECTION_BASE, d.electionBase(), 0, 60_000),
                r.number(HOP_MIN, d.minHop(), 1, 10_000),
                r.number(PROBE_INTERVAL, d.probeInterval(), 10, 600_000),
                r.number(DISCOVERY_WINDOW, d.discoveryWindow(), 0, 600_000),
                r.flag(PREEMPT, d.preempt()),
                r.number(PREEMPT_DELAY, d.preemptDelay(), 0, 3_600_000),
                (int) r.number(DELAY_HISTORY, (long) d.delayHistory(), 1, 1_000));
        String key = r.text(SIGNING_KEY, null);
        if (key.length() < 16) {
            throw new BadSettingException(SIGNING_KEY, "must be at least 16 characters");
        }
        return new RegentSettings(r.text(GROUP, "regent"), id, index, url, protocol,
                r.text(CONTROL_TOPIC, "regent.control"), r.text(REQUESTS_TOPIC, "regent.requests"),
                key.getBytes(java.nio.charset.StandardCharsets.UTF_8), replication(r, id, members.size(), protocol),
                (int) r.number(MAX_VALUE_BYTES, 64L * 1024, 1, 16L * 1024 * 1024));
    }

    private static ReplicationConfig replication(Reader r, String id, int groupSize, ProtocolConfig protocol) {
        ReplicationConfig d = ReplicationConfig.defaults(id);
        long timeout = r.number(REPLICATION_TIMEOUT, d.ackTimeout(), 10, 600_000);
        return new ReplicationConfig(id, (int) r.number(MIN_ACKS, (long) d.minAcks(), -1, groupSize - 1),
                (int) r.number(RETENTION, (long) d.retention(), 1, 10_000_000), timeout,
                Math.min(timeout, d.fetchTimeout()), d.batchLimit());
    }

    /** {@code s1:1,s2:2,s3:3}: every member's id and index. */
    static Map<String, Integer> parseMembers(String text) {
        Map<String, Integer> members = new LinkedHashMap<>();
        for (String entry : text.split(",")) {
            String[] parts = entry.trim().split(":");
            try {
                if (parts.length != 2 || parts[0].isBlank() || members.put(parts[0].trim(), Integer.parseInt(parts[1].trim())) != null) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new BadSettingException(MEMBERS, "expected id:index,id:index,... with unique ids, got '" + text + "'");
            }
        }
        try {
            ProtocolConfig.defaults(members.keySet().iterator().next(), members);
        } catch (IllegalArgumentException e) {
            // the core names its own field ("members: ..."); the operator needs the key
            String problem = e.getMessage();
            throw new BadSettingException(MEMBERS, problem.substring(problem.indexOf(": ") + 2));
        }
        return members;
    }

    /** Typed reads that name the key on every failure. */
    private record Reader(Config config) {

        String text(String key, String fallback) {
            Optional<String> value = config.getOptionalValue(key, String.class).map(String::trim).filter(v -> !v.isEmpty());
            if (value.isEmpty() && fallback == null) {
                throw new BadSettingException(key, "is required");
            }
            return value.orElse(fallback);
        }

        long number(String key, Long fallback, long min, long max) {
            String raw = text(key, fallback == null ? null : fallback.toString());
            long value;
            try {
                value = Long.parseLong(raw);
            } catch (NumberFormatException e) {
                throw new BadSettingException(key, "must be a whole number, got '" + raw + "'");
            }
            if (value < min || value > max) {
                throw new BadSettingException(key, "must be between " + min + " and " + max + ", got " + value);
            }
            return value;
        }

        boolean flag(String key, boolean fallback) {
            String raw = text(key, Boolean.toString(fallback));
            if (!raw.equalsIgnoreCase("true") && !raw.equalsIgnoreCase("false")) {
                throw new BadSettingException(key, "must be true or false, got '" + raw + "'");
            }
            return Boolean.parseBoolean(raw);
        }
    }
}
