package io.weft.examples.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.controlplane.ControlPlane;
import io.weft.controlplane.ControlPlaneOptions;
import io.weft.controlplane.config.ConfigException;
import io.weft.controlplane.config.MeshConfigLoader;
import io.weft.examples.MeshHarness;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The dashboard in a real headless Chromium against the demo mesh running for real: control plane,
 * seven proxies, the shop's apps, all on loopback. Each test looks at what a person would see.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTest {
    private static final Set<String> DEMO_PROXIES =
            Set.of("users-1", "users-v2-1", "catalog-1", "catalog-v2-1", "payments-1", "orders-1", "edge-1");

    private MeshHarness mesh;
    private Browser browser;
    private String ui;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        mesh = MeshHarness.start(tmp, Map.of("mesh.yaml", MeshHarness.demoMeshYaml()));
        browser = Browser.start(Files.createDirectories(tmp.resolve("chromium-profile")));
        ui = "http://127.0.0.1:" + mesh.controlPlane.adminPort() + "/ui/";
    }

    @AfterAll
    void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (mesh != null) {
                mesh.close();
            }
        }
    }

    @Test
    void topologyShowsTheDemoServicesAndTheCallsBetweenThem() throws Exception {
        browser.open(ui + "#/topology");
        browser.find("svg.topology g.node[data-service='payments']");
        Set<String> nodes = browser.all("svg.topology g.node").stream()
                .map(n -> n.getAttribute("data-service")).collect(Collectors.toSet());
        assertEquals(Set.of("edge", "users", "users-v2", "catalog", "catalog-v2", "payments", "orders"), nodes);
        Set<String> edges = browser.all("svg.topology g.call").stream()
                .map(e -> e.getAttribute("data-from") + "->" + e.getAttribute("data-to")).collect(Collectors.toSet());
        assertTrue(edges.containsAll(Set.of("edge->orders", "edge->users", "edge->catalog", "orders->users",
                "orders->users-v2", "orders->catalog", "orders->catalog-v2", "orders->payments")), edges.toString());
        // every service of the demo has its one instance registered, and the node says so
        assertEquals("1 endpoint · v1", browser.text("g.node[data-service='payments'] text.node-detail"));
        // the canary split shows up as the route that makes the orders -> catalog-v2 edge
        String viaRoutes = browser.text("#calls tr[data-from='orders'][data-to='catalog-v2']");
        assertTrue(viaRoutes.contains("catalog/catalog-canary") && viaRoutes.contains("catalog/catalog-split"), viaRoutes);
        assertTrue(viaRoutes.endsWith("PERMISSIVE"), "the demo leaves mTLS at the mesh default: " + viaRoutes);
        assertMetricsShownOrSaidMissing();
        browser.screenshot("topology");
    }

    @Test
    void proxiesPageListsEveryProxyInSyncAndFiltersAndSorts() throws Exception {
        browser.open(ui + "#/proxies");
        browser.until(d -> browser.all("#proxies tbody tr[data-sync='in-sync']").size() == DEMO_PROXIES.size());
        assertEquals(DEMO_PROXIES, nodeIds("#proxies tbody tr"));
        String orders = browser.text("#proxies tr[data-node='orders-1']");
        assertTrue(orders.contains("sidecar") && orders.contains("in sync"), orders);
        assertTrue(browser.text("#proxy-summary").startsWith("7 connected · 7 in sync"), browser.text("#proxy-summary"));

        browser.find("#proxy-filter").sendKeys("catalog");
        browser.until(d -> nodeIds("#proxies tbody tr").equals(Set.of("catalog-1", "catalog-v2-1")));
        browser.find("#proxy-filter").clear();
        browser.find("#proxy-filter").sendKeys(" "); // clear() fires no input event; a key does
        new org.openqa.selenium.support.ui.Select(browser.find("#proxy-mode")).selectByValue("EDGE");
        browser.until(d -> nodeIds("#proxies tbody tr").equals(Set.of("edge-1")));
        new org.openqa.selenium.support.ui.Select(browser.find("#proxy-mode")).selectByValue("");

        browser.click("button[data-sort='node']"); // already by node ascending: this turns it around
        browser.until(d -> firstNode().equals("users-v2-1"));
        browser.click("button[data-sort='node']");
        browser.until(d -> firstNode().equals("catalog-1"));
        browser.screenshot("proxies");
    }

    @Test
    void aRefusedConfigChangeShowsTheApisMessageInlineAndAValidOneConvergesOnEveryProxy() throws Exception {
        String demo = MeshHarness.demoMeshYaml();
        String bad = demo.replace("- name: users-default\n        to: users\n", "- name: users-default\n        to: users\n        timeout: -5s\n");
        String expected = assertThrows(ConfigException.class, () -> MeshConfigLoader.parse(Map.of("mesh.yaml", bad)))
                .getMessage();
        long before = Long.parseLong(browserVersion());

        browser.open(ui + "#/config");
        Files.writeString(mesh.meshDir.resolve("mesh.yaml"), bad);
        browser.until(d -> browser.text("#refused-error .message").equals(expected));
        String refused = browser.text("#refused-error");
        assertTrue(refused.contains("mesh version " + before + " stays in force"), refused);
        assertTrue(browser.text("#config-refused").contains(expected), "the banner on every page says it too");
        browser.screenshot("config-refused");

        String valid = demo.replace("{to: catalog, weight: 90}", "{to: catalog, weight: 50}")
                .replace("{to: catalog-v2, weight: 10}", "{to: catalog-v2, weight: 50}");
        Files.writeString(mesh.meshDir.resolve("mesh.yaml"), valid);
        browser.until(d -> browser.all("#refused-error").isEmpty() && browser.all("#config-refused").isEmpty());

        browser.open(ui + "#/rollouts");
        browser.until(d -> Long.parseLong(browser.attribute("#convergence", "data-version")) > before
                && "true".equals(browser.attribute("#convergence", "data-converged")));
        assertEquals("7 of 7", browser.text("#converged-count"));
        assertTrue(browser.text("#convergence").contains("converged"), browser.text("#convergence"));
        browser.screenshot("rollouts");
    }

    @Test
    void aPastedChangeIsValidatedByTheApiDryRunThenAppliedAndConvergesOnEveryProxy() throws Exception {
        String demo = MeshHarness.demoMeshYaml();
        String bad = demo.replace("{to: catalog-v2, weight: 10}", "{to: catalog-v3, weight: 10}");
        browser.open(ui + "#/config");
        WebElement editor = browser.find("#config-editor");
        if (!serves("POST", "/config/validate?file=mesh.yaml")) {
            paste(editor, bad);
            browser.click("#validate");
            assertEquals("POST /api/v1/config/validate?file=mesh.yaml",
                    browser.attribute("#config-result [data-unavailable]", "data-unavailable"));
            assertTrue(browser.text("#config-result [data-unavailable]").startsWith("Not available yet."));
            return;
        }
        String expected = assertThrows(ConfigException.class, () -> MeshConfigLoader.parse(Map.of("mesh.yaml", bad)))
                .getMessage();
        browser.until(d -> !editor.getAttribute("value").isEmpty()); // the current file is loaded into the editor
        paste(editor, bad);
        browser.click("#validate");
        browser.until(d -> browser.text("#config-errors .message").equals(expected));
        assertTrue(browser.find("#apply").getAttribute("disabled") != null, "no apply for a refused change");
        browser.screenshot("config-validate-error");

        String valid = demo.replace("{to: catalog, weight: 90}", "{to: catalog, weight: 70}")
                .replace("{to: catalog-v2, weight: 10}", "{to: catalog-v2, weight: 30}");
        paste(editor, valid);
        browser.click("#dry-run");
        String diff = browser.text("#dry-run-result");
        assertTrue(browser.all("#dry-run-result tr[data-node='orders-1']").size() == 1, "orders routes to catalog: " + diff);
        assertTrue(browser.all("#dry-run-result tr[data-node='users-1']").isEmpty(), "users calls nobody: " + diff);
        browser.screenshot("config-dry-run");
        browser.click("#apply");
        String version = browser.attribute("#applied", "data-version");

        browser.open(ui + "#/rollouts");
        // every proxy has acknowledged everything sent to it, at the applied version or later ...
        browser.until(d -> Long.parseLong(browser.attribute("#convergence", "data-version")) >= Long.parseLong(version)
                && "true".equals(browser.attribute("#convergence", "data-converged")));
        assertEquals("7 of 7", browser.text("#converged-count"));
        // ... and the change is in the history with who made it, converged on every proxy it changed
        String entry = browser.text("#rollout-list li[data-version='" + version + "'][data-done='true']");
        assertTrue(entry.contains("config: mesh.yaml by dashboard") && entry.contains("1 of 1 proxies converged in "), entry);
        browser.screenshot("rollouts-history");
    }

    @Test
    void securityAndRequestsShowTheirDataOrSayPlainlyThatTheApiIsNotThereYet() throws Exception {
        browser.open(ui + "#/security");
        checkSection("#mtls-modes", "/security/strict-impact", "#mtls-table");
        checkSection("#authz", "/security/authz", "table, p");
        checkSection("#strict-impact", "/security/strict-impact", "#strict-breaks, #strict-safe");
        browser.screenshot("security");

        browser.open(ui + "#/requests");
        checkSection("#failed", "/requests/failed", "table, p");
        browser.screenshot("requests");
    }

    @Test
    void offLoopbackTheDashboardAsksForTheTokenAndRefusesAWrongOne(@TempDir Path dir) throws Exception {
        Path meshDir = Files.createDirectories(dir.resolve("mesh"));
        Files.writeString(meshDir.resolve("mesh.yaml"), "services:\n  users: {}\n");
        String token = "browser-test-token-0123456789";
        try (ControlPlane cp = ControlPlane.start(ControlPlaneOptions.defaults(meshDir).withPorts(0, 0)
                .withAdmin("0.0.0.0", Optional.of(token)))) {
            browser.open("http://127.0.0.1:" + cp.adminPort() + "/ui/#/proxies");
            browser.until(d -> d.getCurrentUrl().contains("/ui/login")); // the browser keeps the #fragment
            browser.find("#token").sendKeys("not-the-admin-token");
            browser.click("#login button[type=submit]");
            browser.until(d -> !browser.text("#login-error").isBlank()); // the answer arrives asynchronously
            assertTrue(browser.text("#login-error").startsWith("admin token: wrong"), browser.text("#login-error"));
            browser.screenshot("login-refused");

            browser.find("#token").clear();
            browser.find("#token").sendKeys(token);
            browser.click("#login button[type=submit]");
            browser.until(d -> d.getCurrentUrl().endsWith("/ui/"));
            assertEquals("mesh version", browser.until(d -> {
                String status = browser.text("#status");
                return status.startsWith("mesh version") ? "mesh version" : null;
            }), "the pages read the API with the session the login set");
        }
    }

    /** Until the metrics API exists the topology says so instead of drawing numbers; after, edges carry them. */
    private void assertMetricsShownOrSaidMissing() throws Exception {
        if (api("/metrics/edges").statusCode() == 404) {
            assertTrue(browser.text("[data-unavailable='GET /api/v1/metrics/edges']").contains("Not available yet"));
            assertTrue(browser.all("svg.topology text.call-label").isEmpty(), "no made-up numbers on the edges");
        } else {
            browser.find("svg.topology text.call-label");
        }
    }

    private void checkSection(String section, String path, String dataSelector) throws Exception {
        HttpResponse<String> r = api(path);
        if (r.statusCode() == 404 && !r.body().contains("\"error\"")) {
            String notice = browser.text(section + " [data-unavailable='GET /api/v1" + path + "']");
            assertTrue(notice.startsWith("Not available yet."), notice);
            assertTrue(browser.driver.findElements(By.cssSelector(section + " table")).isEmpty(), "no made-up data in " + section);
        } else {
            assertEquals(200, r.statusCode(), path + ": " + r.body());
            browser.find(section + " " + dataSelector);
        }
    }

    /** Whether the control plane serves the endpoint (a 404 without the API's JSON error means it does not). */
    private boolean serves(String method, String path) throws Exception {
        String url = "http://127.0.0.1:" + mesh.controlPlane.adminPort() + "/api/v1" + path;
        HttpResponse<String> r = method.equals("GET") ? mesh.get(url) : mesh.post(url, "");
        return !((r.statusCode() == 404 || r.statusCode() == 405) && !r.body().contains("\"error\""));
    }

    /** Replaces the textarea's text the way a paste does (one input event), without typing it key by key. */
    private void paste(WebElement textarea, String text) {
        browser.driver.executeScript("arguments[0].value = arguments[1];"
                + "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", textarea, text);
    }

    private HttpResponse<String> api(String path) throws Exception {
        return mesh.get("http://127.0.0.1:" + mesh.controlPlane.adminPort() + "/api/v1" + path);
    }

    private String browserVersion() throws Exception {
        String body = api("/mesh").body();
        var m = java.util.regex.Pattern.compile("\"version\"\\s*:\\s*(\\d+)").matcher(body);
        assertTrue(m.find(), body);
        return m.group(1);
    }

    private Set<String> nodeIds(String rows) {
        return browser.all(rows).stream().map(r -> r.getAttribute("data-node")).filter(n -> n != null)
                .collect(Collectors.toSet());
    }

    private String firstNode() {
        List<WebElement> rows = browser.all("#proxies tbody tr[data-node]");
        return rows.isEmpty() ? "" : rows.get(0).getAttribute("data-node");
    }
}
