package io.weft.examples.dashboard;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The system's headless Chromium ({@code /usr/bin/chromium}, Debian package {@code chromium}) driven
 * through the system's {@code /usr/bin/chromedriver} (package {@code chromium-driver}): nothing is
 * downloaded, Selenium Manager is never asked. Screenshots go to {@code target/screenshots}.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(20);

    final ChromeDriver driver;
    private final ChromeDriverService service;
    private final Path shots = Path.of("target/screenshots");

    private Browser(Path profile) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("browser tests need Debian's chromium and chromium-driver packages "
                    + "(apt-get install chromium chromium-driver; .ci/run installs them)");
        }
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(new File("target/chromedriver.log"))
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--window-size=1440,1000", "--user-data-dir=" + profile.toAbsolutePath());
        driver = new ChromeDriver(service, options);
    }

    static Browser start(Path profile) {
        return new Browser(profile);
    }

    void open(String url) {
        driver.get(url);
    }

    /** Waits until the condition holds (non-null, non-false) and returns its value. */
    <T> T until(Function<WebDriver, T> condition) {
        // pages redraw from the API every few seconds, so an element found a moment ago may be gone: look again
        return new WebDriverWait(driver, WAIT).pollingEvery(Duration.ofMillis(100))
                .ignoring(StaleElementReferenceException.class).until(condition);
    }

    WebElement find(String css) {
        return until(d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            return found.isEmpty() ? null : found.get(0);
        });
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** The visible text of the first match, once there is a match with some visible text. */
    String text(String css) {
        return until(d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            String text = found.isEmpty() ? "" : found.get(0).getText();
            return text.isEmpty() ? null : text;
        });
    }

    String attribute(String css, String name) {
        return until(d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            return found.isEmpty() ? null : found.get(0).getAttribute(name);
        });
    }

    void click(String css) {
        until(d -> {
            d.findElement(By.cssSelector(css)).click();
            return true;
        });
    }

    /** Saves the whole page (up to 3000 px tall) as target/screenshots/NAME.png, through Chromium's own capture. */
    Path screenshot(String name) throws IOException {
        Files.createDirectories(shots);
        Path out = shots.resolve(name + ".png");
        Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> size = (Map<String, Object>) metrics.get("cssContentSize");
        double width = ((Number) size.get("width")).doubleValue();
        double height = Math.min(3000, ((Number) size.get("height")).doubleValue());
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
                "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
        Files.write(out, Base64.getDecoder().decode((String) shot.get("data")));
        return out;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }
}
