package io.regent.host;

import io.regent.replication.AckMode;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.Converter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bad or missing setting stops start-up with a message that names its key. */
class RegentSettingsTest {

    private static Map<String, String> valid() {
        Map<String, String> m = new HashMap<>();
        m.put("regent.server.id", "s2");
        m.put("regent.server.index", "2");
        m.put("regent.members", "s1:1,s2:2,s3:3");
        m.put("regent.signing.key", "0123456789abcdef");
        m.put("regent.broker.password", "secret");
        m.put("regent.broker.tls", "false");
        return m;
    }

    @Test
    void defaultsFillEverythingButIdentityAndKey() {
        RegentSettings s = RegentSettings.from(config(valid()));
        assertEquals("regent", s.group());
        assertEquals(100, s.protocol().detectionInterval());
        assertEquals(200, s.protocol().replyTimeout());
        assertEquals(2, s.protocol().misses());
        assertEquals(Map.of("s1", 1, "s2", 2, "s3", 3), s.protocol().members());
        assertEquals(AckMode.MAJORITY, s.replication().ackMode());
        assertEquals(5_000, s.replication().ackTimeout());
        assertEquals(64 * 1024, s.limits().maxValueBytes());
        assertEquals(800, s.protocol().quorumWindow());
        assertTrue(s.storage().fsync(), "durable by default");
        assertEquals(RegentSettings.Readiness.MASTER, s.readiness(), "load balancers route by readiness by default");
    }

    @Test
    void theBroadcastWindowIsOneUnlessSetAndAtLeastOne() {
        assertEquals(1, RegentSettings.from(config(valid())).replication().framesInFlight());
        Map<String, String> m = valid();
        m.put("regent.replication.frames-in-flight", "8");
        assertEquals(8, RegentSettings.from(config(m)).replication().framesInFlight());
        m.put("regent.replication.frames-in-flight", "0");
        assertMessage(m, "regent.replication.frames-in-flight: must be between 1 and 1024, got 0");
    }

    @Test
    void limitsThatCannotFitTheHeapStopStartUpNamingTheKeys() {
        Map<String, String> m = valid();
        m.put("regent.queue.max-bytes", String.valueOf(512L * 1024 * 1024));
        RegentSettings.BadSettingException e = assertThrows(RegentSettings.BadSettingException.class,
                () -> RegentSettings.from(config(m), 256L * 1024 * 1024));
        assertTrue(e.getMessage().startsWith("regent.queue.max-bytes, regent.replication.max-pending-bytes, "
                + "regent.message.max-bytes: together need about"), e.getMessage());
        assertTrue(e.getMessage().contains("the heap is 256 MiB"), e.getMessage());
        RegentSettings.from(config(valid()), 256L * 1024 * 1024); // the defaults fit -Xmx256m
    }

    @Test
    void theBrokersAreReachedOverTlsUnlessPlaintextIsAskedFor() throws java.io.IOException {
        Map<String, String> m = valid();
        m.remove("regent.broker.tls");
        assertMessage(m, "regent.broker.truststore: is required to verify the brokers over TLS");
        m.put("regent.broker.truststore", "/nowhere/truststore.p12");
        m.put("regent.broker.truststore-password", "changeit");
        assertMessage(m, "regent.broker.truststore: no readable trust store");
        withStore(store -> {
            m.put("regent.broker.truststore", store.toString());
            assertEquals(store, RegentSettings.from(config(m)).fabric().tls().trustStore());
        });
        assertEquals(null, RegentSettings.from(config(valid())).fabric().tls(), "plaintext only when asked");
    }

    @Test
    void memberUrlsNameEveryMemberOnceAndThisServersOwnUrl() {
        Map<String, String> m = valid();
        m.put("regent.server.url", "https://h2:9443");
        m.put("regent.member.urls", "s1=https://h1:9443,s2=https://h2:9443,s3=https://h3:9443");
        assertEquals(Map.of("s1", "https://h1:9443", "s2", "https://h2:9443", "s3", "https://h3:9443"),
                RegentSettings.from(config(m)).protocol().memberUrls());
        m.put("regent.member.urls", "s1=https://h1:9443,s2=https://h2:9443");
        assertMessage(m, "regent.member.urls: must give every member of regent.members an address");
        m.put("regent.member.urls", "s1=https://h1:9443,s2=https://other:9443,s3=https://h3:9443");
        assertMessage(m, "regent.member.urls: gives this server https://other:9443, but regent.server.url is");
        m.put("regent.member.urls", "s1=https://user@h1:9443,s2=https://h2:9443,s3=https://h3:9443");
        assertMessage(m, "regent.member.urls: gives s1 'https://user@h1:9443', not an http(s) URL");
        m.put("regent.member.urls", "s1=https://h1:9443,s4=https://h4:9443");
        assertMessage(m, "regent.member.urls: expected member=url,...");
        m.remove("regent.member.urls");
        assertEquals(Map.of(), RegentSettings.from(config(m)).protocol().memberUrls(), "optional");
    }

    @Test
    void anIndexOfAutoIsMeasuredOnTheBasisChosen() {
        Map<String, String> m = valid();
        m.put("regent.server.index", "auto");
        RegentSettings s = RegentSettings.from(config(m));
        assertEquals(RegentSettings.IndexBasis.CPU, s.indexBasis(), "computing power unless told otherwise");
        assertEquals(2, s.protocol().index(), "its member number, from regent.members, until measured");
        RegentSettings measured = s.measured(5_000);
        assertEquals(io.regent.protocol.Index.measured(5_000, 2), measured.protocol().index());
        assertEquals(5_000, measured.protocol().capacity());
        m.put("regent.index.basis", "bandwidth");
        assertEquals(RegentSettings.IndexBasis.BANDWIDTH, RegentSettings.from(config(m)).indexBasis());
        m.put("regent.index.basis", "disk");
        assertMessage(m, "regent.index.basis: must be cpu or bandwidth, got 'disk'");
        m.put("regent.index.basis", "cpu");
        m.put("regent.members", "s1:1,s3:3");
        assertMessage(m, "regent.members: must list s2:<number>");
    }

    @Test
    void aWarmUpIsOffUnlessAUserIsNamedAndThenNeedsItsPasswordAndOverHttpsTheKeyStore() throws java.io.IOException {
        assertEquals(null, RegentSettings.from(config(valid())).warmUp());
        Map<String, String> m = valid();
        m.put("regent.warmup.user", "regent-warm-up");
        assertMessage(m, "regent.warmup.password: is required");
        m.put("regent.warmup.password", "secret");
        m.put("regent.warmup.requests", "0");
        assertMessage(m, "regent.warmup.requests: must be between 1 and 100000");
        m.remove("regent.warmup.requests");
        RegentSettings.WarmUp plain = RegentSettings.from(config(m)).warmUp();
        assertEquals(2_000, plain.requests());
        assertEquals(null, plain.keyStore(), "an http:// URL needs no key store");
        m.put("regent.server.url", "https://127.0.0.1:9443");
        m.put("regent.tls.keystore", "/nonexistent/key.p12");
        assertMessage(m, "regent.tls.keystore: no readable key store");
        withStore(store -> {
            m.put("regent.tls.keystore", store.toString());
            m.put("regent.tls.password", "changeit");
            assertEquals(store, RegentSettings.from(config(m)).warmUp().keyStore());
        });
    }

    /** Runs the check with a readable (empty) store file, deleted afterwards. */
    private static void withStore(java.util.function.Consumer<java.nio.file.Path> check) throws java.io.IOException {
        java.nio.file.Path store = java.nio.file.Files.createTempFile("store", ".p12");
        try {
            check.accept(store);
        } finally {
            java.nio.file.Files.delete(store);
        }
    }

    @Test
    void acknowledgementsGoThroughTheBrokerUnlessEveryMemberHasADirectAddress() {
        assertTrue(RegentSettings.from(config(valid())).fabric().ackAddresses().isEmpty());
        Map<String, String> m = valid();
        m.put("regent.replication.ack-addresses", "s1:127.0.0.1:12081, s2:10.0.0.2:12082,s3:localhost:12083");
        Map<String, java.net.InetSocketAddress> a = RegentSettings.from(config(m)).fabric().ackAddresses();
        assertEquals(new java.net.InetSocketAddress("10.0.0.2", 12082), a.get("s2"));
        assertEquals(java.util.Set.of("s1", "s2", "s3"), a.keySet());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "regent.signing.key        |           | regent.signing.keys: is required",
        "regent.signing.keys       | 's1:0123456789abcdef,s2:0123456789abcdef' | regent.signing.keys: must name every member",
        "regent.signing.keys       | 's1:0123456789abcdef,s2:short,s3:0123456789abcdef' | regent.signing.keys: expected member:key",
        "regent.signing.keys       | 's1:0123456789abcdef,s2:0123456789abcdef,s9:0123456789abcdef' | regent.signing.keys: expected member:key",
        "regent.reply.timeout      | soon      | regent.reply.timeout: must be a whole number, got 'soon'",
        "regent.detection.interval | 0         | regent.detection.interval: must be between 5 and 60000, got 0",
        "regent.preempt            | perhaps   | regent.preempt: must be true or false",
        "regent.members            | s1:1,s2:3 | regent.members: must list s2:2",
        "regent.members            | 's1:1,s2:2,s3:2' | regent.members: number 2 is used twice",
        "regent.server.index       | 1000      | regent.server.index: must be between 1 and 999",
        "regent.health.readiness   | sometimes | regent.health.readiness: must be master or member, got 'sometimes'",
        "regent.server.index       | best      | regent.server.index: must be a whole number",
        "regent.members            | 's1,s2'   | regent.members: expected id:index",
        "regent.signing.key        | short     | regent.signing.key: must be at least 16 characters",
        "regent.replication.ack    | some      | regent.replication.ack: must be majority or all-live",
        "regent.storage.sync       | sometimes | regent.storage.sync: must be fsync or none",
        "regent.quorum.window      | 300       | regent.quorum.window: must be at least regent.probe.interval",
        "regent.message.max-bytes  | 65536     | regent.message.max-bytes: must hold the largest value",
        "regent.kv.max-bytes       | 12        | regent.kv.max-bytes: must be between 1024",
        "regent.broker.urls        | 'h:1,h:1' | regent.broker.urls: expected host:port",
        "regent.broker.urls        | h:1/x     | regent.broker.urls: expected host:port",
        "regent.broker.password    |           | regent.broker.password: is required",
        "regent.replication.ack-addresses | 's1:h:1,s2:h:2' | regent.replication.ack-addresses: must give every member",
        "regent.replication.ack-addresses | 's1:h:1,s2:h:2,s9:h:3' | regent.replication.ack-addresses: expected id:host:port",
        "regent.replication.ack-addresses | 's1:h:1,s2:h:2,s3:h' | regent.replication.ack-addresses: expected id:host:port",
        "regent.replication.ack-addresses | 's1:h:1,s2:h:2,s3:h:99999' | regent.replication.ack-addresses: port out of range",
        "regent.replication.timeout  | -5      | regent.replication.timeout: must be between 10 and 600000",
        "regent.kv.max-value-bytes   | lots    | regent.kv.max-value-bytes: must be a whole number",
        "regent.broker.tls         | maybe     | regent.broker.tls: must be true or false",
        "regent.server.url         | javascript:alert(1) | regent.server.url: must be an http:// or https:// URL",
    })
    void aBadValueStopsStartUpNamingItsKey(String key, String value, String expectedStart) {
        Map<String, String> m = valid();
        if (value == null) {
            m.remove(key);
        } else {
            m.put(key, value);
        }
        assertMessage(m, expectedStart);
    }

    private static void assertMessage(Map<String, String> values, String start) {
        RegentSettings.BadSettingException e = assertThrows(RegentSettings.BadSettingException.class,
                () -> RegentSettings.from(config(values)));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }

    /** A Config over a map: only getOptionalValue(String) is used by the settings. */
    private static Config config(Map<String, String> values) {
        return new Config() {
            @Override
            public <T> Optional<T> getOptionalValue(String name, Class<T> type) {
                return Optional.ofNullable(values.get(name)).map(type::cast);
            }

            @Override
            public <T> T getValue(String name, Class<T> type) {
                return getOptionalValue(name, type).orElseThrow();
            }

            @Override
            public ConfigValue getConfigValue(String name) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Iterable<String> getPropertyNames() {
                return values.keySet();
            }

            @Override
            public Iterable<org.eclipse.microprofile.config.spi.ConfigSource> getConfigSources() {
                return List.of();
            }

            @Override
            public <T> Optional<Converter<T>> getConverter(Class<T> type) {
                return Optional.empty();
            }

            @Override
            public <T> T unwrap(Class<T> type) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
