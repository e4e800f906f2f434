package io.regent.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The previous release's EAR, built from its commit in this repository (docs/releases.md names
 * each release's commit), for the tests that mix it with this build: a source tree of that commit
 * is exported under {@code target/} and its EAR built there, once a run.
 */
final class PreviousRelease {

    private PreviousRelease() {
    }

    /** The version the previous release's servers report in {@code /api/group}. */
    static String version() {
        return required("regent.previous.version");
    }

    /** Its EAR, built now unless an earlier run of this build already did. */
    static Path ear() {
        Path root = Path.of(System.getProperty("regent.root", "..")).toAbsolutePath().normalize();
        String commit = required("regent.previous.commit");
        Path dir = Path.of("target", "previous-release-" + version()).toAbsolutePath();
        Path ear = dir.resolve("ear/target/regent.ear");
        if (Files.isRegularFile(ear)) {
            return ear;
        }
        try {
            LocalGroup.delete(dir);
            Files.createDirectories(dir);
            Path tar = dir.resolve("source.tar");
            run(root, dir.resolve("export.log"), "git", "archive", "--format=tar", "-o", tar.toString(), commit);
            run(dir, dir.resolve("export.log"), "tar", "-xf", tar.toString());
            // the same libraries as this build's, already in the local repository
            run(dir, dir.resolve("build.log"), "mvn", "-B", "-q", "-o", "package", "-DskipTests", "-pl", "ear", "-am");
        } catch (IOException e) {
            throw new IllegalStateException("could not build release " + version() + " in " + dir, e);
        }
        if (!Files.isRegularFile(ear)) {
            throw new IllegalStateException("release " + version() + "'s build made no EAR; see " + dir.resolve("build.log"));
        }
        return ear;
    }

    private static String required(String property) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set (system-tests/pom.xml sets it)");
        }
        return v;
    }

    private static void run(Path in, Path log, String... command) throws IOException {
        Process p = new ProcessBuilder(command).directory(in.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " timed out; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + "); see " + log
                    + (command[0].equals("git") ? " (a shallow clone lacks the release's commit: git fetch --unshallow)" : ""));
        }
    }
}
