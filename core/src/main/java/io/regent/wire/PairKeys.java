package io.regent.wire;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The keys a server shares with each member for signing frames (DESIGN.md §6). An operator
 * gives each server only its own pair keys (bin/group does), so no member can sign as another;
 * a group key from which every pair key is derived is the simpler, weaker choice: whoever holds
 * it can sign as anyone.
 */
public final class PairKeys {

    private PairKeys() {
    }

    /** The pair keys of {@code self} with every member (itself included), derived from one group key. */
    public static Map<String, byte[]> derive(byte[] groupKey, String self, Collection<String> members) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(groupKey, "HmacSHA256"));
            for (String member : members) {
                String pair = self.compareTo(member) <= 0 ? self + '\u0000' + member : member + '\u0000' + self;
                keys.put(member, mac.doFinal(("regent pair key\u0000" + pair).getBytes(StandardCharsets.UTF_8)));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
        }
        return keys;
    }
}
