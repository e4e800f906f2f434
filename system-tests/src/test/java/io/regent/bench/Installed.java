package io.regent.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Tools the benchmarks run that Maven cannot fetch: missing, they stop the run naming the package. */
final class Installed {

    private Installed() {
    }

    /** @throws IllegalStateException if {@code command} is not an executable on the PATH */
    static void require(String command, String debianPackage) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return;
            }
        }
        throw new IllegalStateException("the benchmark runs " + command + ", which is not on the PATH: install Debian's "
                + debianPackage + " (apt-get install " + debianPackage + ")");
    }
}
