package io.regent.kv;

import io.regent.replication.StateMachine;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonParser;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The shipped service: keys with versioned string values and compare-and-set. Keys are kept
 * sorted, so lists page by key and snapshots come out the same on every server. The digest is
 * kept up to date write by write (a sum of per-item hashes), so comparing servers costs nothing.
 */
public final class KeyValueStore implements StateMachine {

    /** Looked up once: {@code Json.createX} searches for a provider on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    /** A value and its version (1 when created, +1 per write). */
    public record Item(String key, String value, long version) { }

    private final TreeMap<String, Item> items = new TreeMap<>();
    private long digest;

    @Override
    public String apply(String command) {
        KvCommand c;
        try {
            c = KvCommand.decode(command);
        } catch (IllegalArgumentException e) {
            return new KvResult(KvResult.Outcome.INVALID, null, 0).encode();
        }
        Item current = items.get(c.key());
        long version = current == null ? 0 : current.version();
        if (c.ifVersion() != null && c.ifVersion() != version) {
            return new KvResult(KvResult.Outcome.CONFLICT, c.key(), version).encode();
        }
        if (c.op() == KvCommand.Op.DELETE) {
            if (current == null) {
                return new KvResult(KvResult.Outcome.ABSENT, c.key(), 0).encode();
            }
            remove(current);
            return new KvResult(KvResult.Outcome.DELETED, c.key(), version).encode();
        }
        if (current != null) {
            remove(current);
        }
        Item next = new Item(c.key(), c.value(), version + 1);
        add(next);
        return new KvResult(KvResult.Outcome.WRITTEN, c.key(), next.version()).encode();
    }

    public Optional<Item> get(String key) {
        return Optional.ofNullable(items.get(key));
    }

    /** Up to {@code limit} items whose keys start with {@code prefix}, after key {@code after}. */
    public List<Item> list(String prefix, String after, int limit) {
        List<Item> page = new ArrayList<>();
        String from = after != null && after.compareTo(prefix) >= 0 ? after : prefix;
        boolean inclusive = after == null || after.compareTo(prefix) < 0;
        for (Item item : items.tailMap(from, inclusive).values()) {
            if (!item.key().startsWith(prefix) || page.size() == limit) {
                break;
            }
            page.add(item);
        }
        return page;
    }

    public int size() {
        return items.size();
    }

    @Override
    public String snapshot() {
        StringWriter text = new StringWriter(items.size() * 48 + 16);
        try (JsonGenerator g = JSON.createGenerator(text)) {
            g.writeStartArray();
            for (Item item : items.values()) {
                g.writeStartArray().write(item.key()).write(item.version()).write(item.value()).writeEnd();
            }
            g.writeEnd();
        }
        return text.toString();
    }

    @Override
    public void restore(String snapshot) {
        items.clear();
        digest = 0;
        try (JsonParser p = JSON.createParser(new StringReader(snapshot))) {
            p.next(); // the outer array
            while (p.next() == JsonParser.Event.START_ARRAY) {
                p.next();
                String key = p.getString();
                p.next();
                long version = p.getLong();
                p.next();
                String value = p.getString();
                p.next(); // end of the item
                add(new Item(key, value, version));
            }
        }
    }

    @Override
    public String digest() {
        return items.size() + ":" + Long.toHexString(digest);
    }

    private void add(Item item) {
        items.put(item.key(), item);
        digest += hash(item);
    }

    private void remove(Item item) {
        items.remove(item.key());
        digest -= hash(item);
    }

    private static long hash(Item item) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(item.key().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(Long.toString(item.version()).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(item.value().getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(sha.digest()).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
