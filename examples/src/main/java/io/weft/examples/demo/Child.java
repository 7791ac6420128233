package io.weft.examples.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One process of the demo: a JVM running one main class, its output in a log file. */
record Child(String name, String mainClass, List<String> args, Path log) {
    Process start(Path javaBin, String classpath) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBin.toString(), "-XX:+UseSerialGC", "-Xss512k", "-Xmx128m",
                "-XX:TieredStopAtLevel=1", "-cp", classpath, mainClass));
        cmd.addAll(args);
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }
}
