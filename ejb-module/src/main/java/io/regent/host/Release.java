package io.regent.host;

import io.regent.upgrade.ProtocolVersion;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What this server runs: the product's version, as the build names it (a release tag
 * {@code vX.Y.Z} builds it again), and the protocol versions it speaks: the newest, which it
 * writes once its group is at it, and the oldest, which it opens and writes beside servers of the
 * previous release (DESIGN.md §8.1).
 */
public record Release(String version, int protocol, int oldestProtocol) {

    private static final Release CURRENT = read();

    public static Release current() {
        return CURRENT;
    }

    private static Release read() {
        Properties p = new Properties();
        try (InputStream in = Release.class.getResourceAsStream("release.properties")) {
            if (in == null) {
                throw new IllegalStateException("release.properties is missing from the build");
            }
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read release.properties", e);
        }
        String version = p.getProperty("version", "");
        if (version.isEmpty() || version.startsWith("${")) {
            throw new IllegalStateException("release.properties names no version: the build did not fill it in");
        }
        return new Release(version, ProtocolVersion.CURRENT, ProtocolVersion.OLDEST);
    }

    @Override
    public String toString() {
        return version + " (protocol " + oldestProtocol + "-" + protocol + ")";
    }
}
