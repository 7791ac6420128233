package io.weft.controlplane.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.controlplane.ControlPlane;
import io.weft.controlplane.ControlPlaneOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API's answers to bad input: 4xx with a message naming the problem, never a 500. */
class AdminApiTest {
    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> send(ControlPlane cp, String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cp.adminPort() + path))
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void refusedChangesAre4xxWithTheLoadersMessageAndNothingIsWritten() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("mesh"));
        Files.writeString(dir.resolve("mesh.yaml"), "services: {users: {}}\n");
        try (ControlPlane cp = ControlPlane.start(ControlPlaneOptions.defaults(dir).withPorts(0, 0))) {
            HttpResponse<String> invalid = send(cp, "PUT", "/api/v1/config/files/mesh.yaml",
                    "services: {users: {loadBalancer: fastest}}\n");
            assertEquals(422, invalid.statusCode());
            assertTrue(invalid.body().contains("mesh.yaml: services.users.loadBalancer: \\\"fastest\\\" (expected: one of"),
                    invalid.body());
            HttpResponse<String> notYaml = send(cp, "PUT", "/api/v1/config/files/mesh.yaml", "services: {users: [\n");
            assertEquals(422, notYaml.statusCode());
            assertTrue(notYaml.body().contains("not valid YAML"), notYaml.body());
            HttpResponse<String> badName = send(cp, "PUT", "/api/v1/config/files/..%2Fescape.yaml", "services: {}\n");
            assertTrue(badName.statusCode() >= 400 && badName.statusCode() < 500, badName.statusCode() + " " + badName.body());
            HttpResponse<String> noFile = send(cp, "POST", "/api/v1/config/validate", "services: {}\n");
            assertEquals(400, noFile.statusCode());
            assertTrue(noFile.body().contains("file: missing (expected: ?file=<name>.yaml)"), noFile.body());
            HttpResponse<String> huge = send(cp, "POST", "/api/v1/config/validate?file=big.yaml", "#".repeat((1 << 20) + 10));
            assertEquals(413, huge.statusCode());
            assertEquals("services: {users: {}}\n", Files.readString(dir.resolve("mesh.yaml")), "nothing was written");
            assertEquals(1, Files.list(dir).count(), "no stray files");
            HttpResponse<String> valid = send(cp, "POST", "/api/v1/config/validate?file=more.yaml", "services: {orders: {}}\n");
            assertEquals(200, valid.statusCode(), valid.body());
        }
    }
}
