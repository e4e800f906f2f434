package io.regent.client;

/** A key's value and version (1 when created, +1 per write). */
public record Item(String key, String value, long version) { }
