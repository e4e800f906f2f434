package io.regent.broker;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BrokerSettingsTest {

    private static Map<String, String> valid() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("name", "broker1");
        v.put("listen", "127.0.0.1:61616");
        v.put("peers", "127.0.0.1:61617, 127.0.0.1:61618");
        v.put("tls", "false");
        v.put("admin.user", "regent");
        v.put("admin.password", "admin-secret");
        v.put("cluster.user", "regent-cluster");
        v.put("cluster.password", "cluster-secret");
        v.put("member.s1", "member-secret-1");
        return v;
    }

    @Test
    void aLoneBrokerOrAClusterRendersWithEveryPlaceholderFilled() {
        BrokerSettings clustered = BrokerSettings.parse(valid());
        String xml = BrokerXml.render(clustered, java.nio.file.Path.of("/data"));
        assertFalse(xml.contains("@{"), xml);
        assertTrue(xml.contains("<connector-ref>peer2</connector-ref>"));
        assertTrue(xml.contains("protocols=CORE;"), "no protocol Regent does not use");
        Map<String, String> lone = valid();
        lone.remove("peers");
        String alone = BrokerXml.render(BrokerSettings.parse(lone), java.nio.file.Path.of("/data"));
        assertFalse(alone.contains("cluster-connection"));
        assertTrue(alone.contains("<cluster-password>cluster-secret</cluster-password>"),
                "never Artemis's default cluster account, which passes every permission check");
    }

    @Test
    void anUnknownKeyIsNamed() {
        Map<String, String> v = valid();
        v.put("cluster.pasword", "x");
        BrokerSettings.BadSetting e = assertThrows(BrokerSettings.BadSetting.class, () -> BrokerSettings.parse(v));
        assertTrue(e.getMessage().startsWith("broker setting cluster.pasword is not a broker setting"), e.getMessage());
    }

    @Test
    void aMissingOrUnusableValueIsNamed() {
        Map<String, String> v = valid();
        v.remove("admin.password");
        assertEquals("broker setting admin.password is required",
                assertThrows(BrokerSettings.BadSetting.class, () -> BrokerSettings.parse(v)).getMessage());
        Map<String, String> w = valid();
        w.put("listen", "127.0.0.1:99999");
        assertTrue(assertThrows(BrokerSettings.BadSetting.class, () -> BrokerSettings.parse(w)).getMessage()
                .startsWith("broker setting listen has no port"));
        Map<String, String> x = valid();
        x.put("member.s1", "short");
        assertTrue(assertThrows(BrokerSettings.BadSetting.class, () -> BrokerSettings.parse(x)).getMessage()
                .startsWith("broker setting member.s1 must be"));
        Map<String, String> hashed = valid();
        hashed.put("cluster.password", "ENC(1024:ABCDEF0123456789:ABCDEF0123456789)");
        assertTrue(assertThrows(BrokerSettings.BadSetting.class, () -> BrokerSettings.parse(hashed)).getMessage()
                .startsWith("broker setting cluster.password must be"), "the cluster logs in to its peers: no hash");
        hashed.put("cluster.password", "cluster-secret");
        hashed.put("member.s1", "ENC(1024:ABCDEF0123456789:ABCDEF0123456789)");
        hashed.put("admin.password", "ENC(1024:ABCDEF0123456789:ABCDEF0123456789)");
        BrokerSettings.parse(hashed); // logins may be hashed
        Map<String, String> y = valid();
        y.put("tls", "true");
        assertEquals("broker setting tls.keystore is required",
                assertThrows(BrokerSettings.BadSetting.class, () -> BrokerSettings.parse(y)).getMessage());
    }

    @Test
    void passwordsNeverShowInTheSettingsText() {
        assertFalse(BrokerSettings.parse(valid()).toString().contains("secret"));
    }
}
