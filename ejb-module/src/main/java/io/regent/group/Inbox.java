package io.regent.group;

import java.util.function.Consumer;

/**
 * The way in from a topic: checks a message's signature and decodes it. What fails either is
 * dropped with its reason (counted and logged by the engine), never half-read.
 */
final class Inbox<M> {

    /** Decodes a message body, or says what is wrong with it. */
    interface Decoder<M> {
        M decode(String body) throws Malformed;
    }

    private final MessageSigner signer;
    private final Decoder<M> decoder;
    private final Consumer<String> drop;

    Inbox(MessageSigner signer, Decoder<M> decoder, Consumer<String> drop) {
        this.signer = signer;
        this.decoder = decoder;
        this.drop = drop;
    }

    /** The message, or null if it was dropped. */
    M open(String body, String signature) {
        if (!signer.verify(body, signature)) {
            drop.accept("bad or missing signature");
            return null;
        }
        try {
            return decoder.decode(body);
        } catch (Malformed e) {
            drop.accept(e.getMessage());
            return null;
        }
    }
}
