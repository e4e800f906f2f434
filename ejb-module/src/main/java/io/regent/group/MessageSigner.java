package io.regent.group;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/** HMAC-SHA256 over a message body with the group's shared key: forged messages are dropped. */
final class MessageSigner {

    private static final String ALGORITHM = "HmacSHA256";
    private final SecretKeySpec key;

    MessageSigner(byte[] key) {
        this.key = new SecretKeySpec(key, ALGORITHM);
    }

    String sign(String body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return Base64.getEncoder().encodeToString(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean verify(String body, String signature) {
        if (signature == null) {
            return false;
        }
        return MessageDigest.isEqual(sign(body).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }
}
