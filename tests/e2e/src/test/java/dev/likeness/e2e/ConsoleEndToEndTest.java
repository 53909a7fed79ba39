package dev.likeness.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;

import dev.likeness.core.kafka.Topics;

/**
 * The local experience end to end: `make run`'s script brings up the broker and every service on free ports
 * and runs its demo; headless Chromium drives the console (recognise, delete, rename, verify, a dead letter,
 * a style transfer); the CLI paints and edits the gallery against the same mesh; Ctrl-C stops all of it.
 * Screenshots go to target/screenshots (console.png is the README's).
 */
@Tag("broker")
@Tag("browser")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleEndToEndTest {

    private static final Duration READY_WITHIN = Duration.ofMinutes(3);
    private static final Duration RESULT_WITHIN = Duration.ofSeconds(90);

    private Path root;
    private Path work;
    private Path samples;
    private Path stylePattern;
    private MakeRun run;
    private Duration readyAfter;
    private Browser browser;
    private Cli cli;

    @BeforeAll
    void startTheMesh() throws Exception {
        root = Path.of(System.getProperty("likeness.root", "../.."))
                .toAbsolutePath()
                .normalize();
        work = Files.createDirectories(root.resolve("tests/e2e/target/e2e"));
        samples = root.resolve("models/samples");
        stylePattern = writeStylePattern(work.resolve("style-pattern.png"));
        // The atlas's corpus: the small tier of the default corpus (docs/insight.md), as the service's corpus root.
        Path corpus = work.resolve("corpus");
        Process fetch = new ProcessBuilder(
                        "bash",
                        "deploy/corpus/fetch.sh",
                        "small",
                        corpus.resolve("small").toString())
                .directory(root.toFile())
                .inheritIO()
                .start();
        assertThat(fetch.waitFor()).as("fetch.sh small").isZero();
        // A small demo painting, so that the stylising service is free again when the page asks for one.
        run = new MakeRun(
                root,
                work.resolve("make-run"),
                Map.of(
                        "DEMO_STYLE_SIZE",
                        "64",
                        "DEMO_STYLE_ITERATIONS",
                        "10",
                        "LIKENESS_STYLISING_INSIGHT_CORPUS_ROOT",
                        corpus.toString()));
        readyAfter = run.awaitReady(READY_WITHIN);
        browser = new Browser(work);
        cli = new Cli(root, work);
    }

    @AfterAll
    void stopEverything() {
        if (browser != null) {
            browser.close();
        }
        if (run != null) {
            run.close();
        }
    }

    @Test
    @Order(1)
    void makeRunIsReadyWithinThreeMinutesAndItsDemoRecognisesEveryone() throws IOException {
        String output = run.output();
        System.out.printf("make run: ready, demo done, after %d s%n", readyAfter.toSeconds());
        assertThat(readyAfter).isLessThan(READY_WITHIN);
        assertThat(output)
                .contains(
                        "embedding ready",
                        "matching ready",
                        "stylising ready",
                        "console ready",
                        "enrolled demo-sample6",
                        "published console-",
                        "console:    " + run.consoleUrl());
        for (int n = 1; n <= 6; n++) {
            assertThat(output).contains("sample" + n + ".jpg: ").contains("demo-sample" + n + " (d=0.00, p=1.00)");
        }
        // Each photo finds the identity enrolled from it (d = 0). One-shot across photos: enrolled from
        // sample1.jpg, recognised in sample3.jpg at a real distance.
        assertThat(output)
                .contains("enrolled demo-woman from sample1.jpg", "sample3.jpg, another photo: face 2 is demo-woman");
        assertThat(number(output, "face 2 is demo-woman (d=")).isGreaterThan(0.1);
    }

    @Test
    @Order(2)
    void anUploadedPhotoShowsItsFacesWithNamesDistancesAndProbabilities() throws IOException {
        open();
        // "describe the faces": the request asks for the analyses, whose results the boxes show.
        browser.driver.findElement(By.id("identify-describe")).click();
        String requestId =
                upload("identify-file", "identify-submit", "identify-message", samples.resolve("sample3.jpg"));

        WebElement card = awaitCard(requestId, ".outcome", "recognised");
        List<WebElement> boxes = card.findElements(By.cssSelector(".box"));
        assertThat(boxes).hasSizeGreaterThanOrEqualTo(2);
        List<String> known = card.findElements(By.cssSelector(".box.known .label")).stream()
                .map(WebElement::getText)
                .toList();
        // The woman was enrolled from sample1.jpg (the demo): recognised here in another photo, at a real distance.
        String woman = known.stream()
                .filter(label -> label.startsWith("Woman of sample1 d="))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the woman of sample1 is not recognised in sample3: " + known));
        double threshold = number(card.findElement(By.cssSelector(".outcome")).getText(), "threshold ");
        double distance = number(woman, "d=");
        System.out.printf("sample3: %s (threshold %.3f)%n", woman, threshold);
        assertThat(distance).isBetween(0.1, 0.8 * threshold);
        assertThat(woman).contains("(gender)", "(emotion)", "(liveness)");
        browser.waitUpTo(Duration.ofSeconds(10))
                .until(driver ->
                        !"0".equals(card.findElement(By.cssSelector("img")).getDomProperty("naturalWidth")));
        browser.screenshot("recognition");
    }

    @Test
    @Order(3)
    void deletingAnIdentityRemovesItFromTheGalleryAndFromRecognition() throws IOException {
        open();
        By row = By.cssSelector("#gallery tr[data-identity-id='demo-sample6']");
        // The gallery snapshot arrives one identity at a time, demo-sample6 last.
        browser.waitUpTo(RESULT_WITHIN)
                .until(ExpectedConditions.presenceOfElementLocated(row))
                .findElement(By.cssSelector("button.delete"))
                .click();

        browser.waitUpTo(RESULT_WITHIN).until(ExpectedConditions.invisibilityOfElementLocated(row));
        // Seven identities (demo-sample1..6 and demo-woman, enrolled from sample1 by the cross-photo demo), less one.
        assertThat(browser.driver.findElement(By.id("gallery-count")).getText()).isEqualTo("6");
        String requestId =
                upload("identify-file", "identify-submit", "identify-message", samples.resolve("sample6.jpg"));
        WebElement card = awaitCard(requestId, ".outcome", "recognised");
        assertThat(card.findElements(By.cssSelector(".box .label")))
                .isNotEmpty()
                .noneSatisfy(label -> assertThat(label.getText()).contains("Person of sample6"));
    }

    @Test
    @Order(4)
    void renamingShowsTheNewNameFromTheGalleryTopic() {
        open();
        WebElement name = browser.driver.findElement(
                By.cssSelector("#gallery tr[data-identity-id='demo-sample1'] .rename-input"));
        name.clear();
        name.sendKeys("Ada (sample1)");
        browser.driver
                .findElement(By.cssSelector("#gallery tr[data-identity-id='demo-sample1'] button.rename"))
                .click();

        browser.waitUpTo(RESULT_WITHIN)
                .until(ExpectedConditions.textToBe(
                        By.id("gallery-message"), "renamed demo-sample1; the gallery topic will show it"));
        // The name comes back through the gallery topic: a freshly opened page shows it.
        browser.waitUpTo(RESULT_WITHIN).until(driver -> {
            open();
            return "Ada (sample1)"
                    .equals(driver.findElement(
                                    By.cssSelector("#gallery tr[data-identity-id='demo-sample1'] .rename-input"))
                            .getDomProperty("value"));
        });
    }

    @Test
    @Order(5)
    void verifyingTwoUploadsGivesTheDecisionWithDistanceAndProbability() {
        open();
        // The woman of sample1.jpg (face 3 there) and of sample3.jpg (face 2): in neither is she the subject.
        browser.driver
                .findElement(By.id("verify-first"))
                .sendKeys(samples.resolve("sample1.jpg").toString());
        setValue("verify-first-face", "3");
        browser.driver
                .findElement(By.id("verify-second"))
                .sendKeys(samples.resolve("sample3.jpg").toString());
        setValue("verify-second-face", "2");
        browser.driver.findElement(By.id("verify-submit")).click();

        browser.waitUpTo(RESULT_WITHIN)
                .until(ExpectedConditions.textMatches(
                        By.id("verify-result"), Pattern.compile("^(same person|different people): d=")));
        String result = browser.driver.findElement(By.id("verify-result")).getText();
        System.out.println("verify sample1 face 3 vs sample3 face 2: " + result);
        assertThat(result).startsWith("same person: d=");
        assertThat(number(result, "d=")).isBetween(0.1, 0.8 * number(result, "threshold "));
        assertThat(number(result, "p=")).isGreaterThan(0.5);
    }

    @Test
    @Order(6)
    void aFileThatIsNoPhotoComesBackAsADeadLetterWithItsReason() throws IOException {
        open();
        Path notAPhoto =
                Files.writeString(work.resolve("not-a-photo.jpg"), "these are not the pixels you are looking for");
        String requestId = upload("identify-file", "identify-submit", "identify-message", notAPhoto);

        WebElement letter = browser.waitUpTo(RESULT_WITHIN)
                .until(ExpectedConditions.presenceOfElementLocated(
                        By.cssSelector("#dead-letters tr[data-request-id='" + requestId + "']")));
        assertThat(letter.getText()).startsWith("embedding").contains(requestId, Topics.IMAGES);
    }

    @Test
    @Order(7)
    void aStyleRequestShowsItsProgressToTheEndAndOffersTheResult() throws Exception {
        open();
        browser.driver
                .findElement(By.id("style-content"))
                .sendKeys(samples.resolve("sample1.jpg").toString());
        browser.driver.findElement(By.id("style-style")).sendKeys(stylePattern.toString());
        setValue("style-size", "96");
        setValue("style-iterations", "40");

        paint();
        assertThat(browser.driver.findElement(By.id("style-status")).getText())
                .startsWith("done: 96x")
                .contains("40 iterations");
        WebElement bar = browser.driver.findElement(By.id("style-progress"));
        assertThat(bar.getAttribute("value")).isEqualTo("40");
        assertThat(bar.getAttribute("max")).isEqualTo("40");
        WebElement download = browser.driver.findElement(By.id("style-download"));
        assertThat(download.isDisplayed()).isTrue();
        BufferedImage result = fetchImage(download.getAttribute("href"));
        assertThat(Math.max(result.getWidth(), result.getHeight())).isEqualTo(96);
        browser.screenshot("style");
    }

    @Test
    @Order(8)
    void aClipAndASoundArePaintedAndPlayed() throws Exception {
        open();
        Path clip = writeClip(work.resolve("clip.gif"), 4);
        browser.driver.findElement(By.id("style-content")).sendKeys(clip.toString());
        browser.driver.findElement(By.id("style-style")).sendKeys(stylePattern.toString());
        setValue("style-size", "64");
        setValue("style-iterations", "5");
        paint();
        assertThat(browser.driver.findElement(By.id("style-status")).getText())
                .startsWith("done: 4 frames of 64x")
                .contains("20 iterations");
        // The painted clip plays in the preview <img>: an animated GIF of 4 frames.
        String gifUrl = browser.driver.findElement(By.id("style-preview")).getAttribute("src");
        byte[] gif = fetch(gifUrl);
        assertThat(new String(gif, 0, 6, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("GIF89a");
        javax.imageio.ImageReader reader =
                ImageIO.getImageReadersByFormatName("gif").next();
        reader.setInput(ImageIO.createImageInputStream(new ByteArrayInputStream(gif)));
        assertThat(reader.getNumImages(true)).isEqualTo(4);
        assertThat(browser.driver.findElement(By.id("style-audio")).isDisplayed())
                .isFalse();

        open();
        browser.driver
                .findElement(By.id("style-content"))
                .sendKeys(writeWav(work.resolve("melody.wav"), false).toString());
        browser.driver
                .findElement(By.id("style-style"))
                .sendKeys(writeWav(work.resolve("noise.wav"), true).toString());
        setValue("style-iterations", "10");
        paint();
        assertThat(browser.driver.findElement(By.id("style-status")).getText())
                .startsWith("done: 1.0 s of sound")
                .contains("10 iterations");
        WebElement audio = browser.driver.findElement(By.id("style-audio"));
        assertThat(audio.isDisplayed()).isTrue();
        // The browser decodes the WAV: its duration is the content's.
        browser.waitUpTo(Duration.ofSeconds(30))
                .until(driver -> ((JavascriptExecutor) driver)
                                        .executeScript("return document.getElementById('style-audio').readyState")
                                instanceof Long state
                        && state >= 1);
        Object duration = ((JavascriptExecutor) browser.driver)
                .executeScript("return document.getElementById('style-audio').duration");
        assertThat(((Number) duration).doubleValue()).isBetween(0.99, 1.01);
        byte[] wav = fetch(audio.getAttribute("src"));
        assertThat(new String(wav, 8, 4, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("WAVE");
        browser.screenshot("style-sound");
    }

    @Test
    @Order(9)
    void theCliPaintsWithAProgressBarAndEditsTheGallery() throws Exception {
        Path painted = work.resolve("cli-stylised.png");
        Files.deleteIfExists(painted);
        Cli.Run stylise = cli.likeness(
                "stylise",
                samples.resolve("sample3.jpg").toString(),
                stylePattern.toString(),
                "--size",
                "64",
                "--iterations",
                "20",
                "--progress-every",
                "5",
                "-o",
                painted.toString(),
                "--bootstrap-servers",
                run.bootstrapServers());
        assertThat(stylise.exitCode()).as(stylise.err()).isZero();
        assertThat(stylise.err()).contains("published style request", "[##############################] 100%  20/20");
        assertThat(stylise.out()).startsWith(painted + ": 64x").contains("20 iterations");
        assertThat(Math.max(
                        ImageIO.read(painted.toFile()).getWidth(),
                        ImageIO.read(painted.toFile()).getHeight()))
                .isEqualTo(64);

        Cli.Run delete = cli.likeness("gallery", "delete", "demo-sample5", "--matching-url", run.matchingUrl());
        assertThat(delete.exitCode()).as(delete.err()).isZero();
        assertThat(delete.out()).isEqualTo("deleted demo-sample5\n");

        Cli.Run list = cli.likeness("gallery", "list", "--bootstrap-servers", run.bootstrapServers());
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()
                        .lines()
                        .map(line -> line.split("\t")[0] + "\t" + line.split("\t")[1])
                        .toList())
                .containsExactly(
                        "demo-sample1\tAda (sample1)",
                        "demo-sample2\tPerson of sample2",
                        "demo-sample3\tPerson of sample3",
                        "demo-sample4\tPerson of sample4",
                        "demo-woman\tWoman of sample1");

        Cli.Run unknown = cli.likeness("gallery", "delete", "nobody", "--matching-url", run.matchingUrl());
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("UNKNOWN_IDENTITY").doesNotContain("\tat ");

        // A caller's trace goes on through the console into matching (the console's REST client propagates it):
        // matching's refusal, relayed by the console, names the caller's trace.
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        HttpResponse<String> refused = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(run.consoleUrl() + "/api/gallery/nobody"))
                                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                                .DELETE()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(404);
        assertThat(refused.body()).contains("UNKNOWN_IDENTITY", "\"traceId\":\"" + traceId + "\"");

        // The console follows the gallery topic, whoever changed it.
        open();
        browser.waitUpTo(RESULT_WITHIN)
                .until(driver ->
                        driver.findElement(By.id("gallery-count")).getText().equals("5"));
    }

    @Test
    @Order(10)
    void anAtlasIsBuiltBrowsedAndAUnitsPatchesOpenedAndAMatchExplained() throws IOException {
        open();
        setValue("atlas-request-name", "e2e-small");
        setValue("atlas-request-corpus", "small");
        setValue("atlas-request-layers", "conv1_relu");
        setValue("atlas-request-size", "64");
        submit("atlas-request-submit", "atlas-request-message");
        browser.waitUpTo(Duration.ofMinutes(3))
                .until(ExpectedConditions.textMatches(By.id("atlas-request-message"), Pattern.compile("built$")));
        browser.waitUpTo(RESULT_WITHIN)
                .until(driver ->
                        driver.findElement(By.id("atlas-name")).getText().contains("e2e-small (resnet50, 23 photos)"));
        WebElement grid = browser.driver.findElement(By.id("atlas-grid-image"));
        browser.waitUpTo(RESULT_WITHIN)
                .until(driver ->
                        ((Number) ((JavascriptExecutor) driver).executeScript("return arguments[0].naturalWidth", grid))
                                        .intValue()
                                > 0);
        assertThat(grid.getDomAttribute("src")).endsWith("/e2e-small/conv1_relu.png");

        // The second unit's block: one block right of the grid's top left corner (offsets from the centre).
        int block = ((Number) ((JavascriptExecutor) browser.driver)
                        .executeScript(
                                "return arguments[0].clientWidth * currentLayer().block / arguments[0].naturalWidth",
                                grid))
                .intValue();
        // The panel lies below the feed: bring the grid into the window, where a pointer can reach it.
        ((JavascriptExecutor) browser.driver).executeScript("arguments[0].scrollIntoView({block: 'start'})", grid);
        new Actions(browser.driver)
                .moveToElement(
                        grid,
                        -grid.getSize().getWidth() / 2 + block + block / 2,
                        -grid.getSize().getHeight() / 2 + block / 2)
                .click()
                .perform();
        System.out.println("atlas grid screenshot: " + browser.screenshot("atlas-grid"));
        browser.waitUpTo(Duration.ofSeconds(10))
                .until(ExpectedConditions.visibilityOfElementLocated(By.id("atlas-unit")));
        assertThat(browser.driver.findElement(By.id("atlas-unit-title")).getText())
                .isEqualTo("conv1_relu, unit 1: its nine strongest patches");
        List<WebElement> hits = browser.driver.findElements(By.cssSelector("#atlas-unit-hits li"));
        assertThat(hits).hasSize(9);
        assertThat(hits.get(0).getText()).matches("^(darknet|python3-skimage)/.+ \\(\\d+, \\d+\\): [0-9.]+$");
        System.out.println("atlas unit screenshot: " + browser.screenshot("atlas"));

        // Activation maps of an upload, and the saliency of a verification.
        browser.driver
                .findElement(By.id("maps-file"))
                .sendKeys(samples.resolve("sample2.jpg").toString());
        setValue("maps-layers", "res3d");
        submit("maps-submit", "maps-message");
        browser.waitUpTo(Duration.ofMinutes(2))
                .until(ExpectedConditions.presenceOfElementLocated(
                        By.cssSelector("#maps-result img[alt='res3d.png']")));
        browser.driver
                .findElement(By.id("verify-first"))
                .sendKeys(samples.resolve("sample1.jpg").toString());
        browser.driver
                .findElement(By.id("verify-second"))
                .sendKeys(samples.resolve("sample6.jpg").toString());
        browser.driver.findElement(By.id("verify-submit")).click();
        browser.waitUpTo(RESULT_WITHIN).until(ExpectedConditions.elementToBeClickable(By.id("verify-explain")));
        browser.driver.findElement(By.id("verify-explain")).click();
        browser.waitUpTo(Duration.ofMinutes(2))
                .until(ExpectedConditions.presenceOfElementLocated(
                        By.cssSelector("#explain-result img[alt='saliency.png']")));
        String explained = browser.driver.findElement(By.id("explain-result")).getText();
        System.out.println("explain sample1 vs sample6: " + explained);
        // No embedding named: the embedding service explains its own, the fusion.
        assertThat(explained).startsWith("likeness-fusion-v1: d = ");
        System.out.println("insight screenshot: " + browser.screenshot("insight"));
    }

    @Test
    @Order(11)
    void theWholeConsoleForTheReadme() throws Exception {
        open();
        String requestId =
                upload("identify-file", "identify-submit", "identify-message", samples.resolve("sample3.jpg"));
        awaitCard(requestId, ".outcome", "recognised");
        browser.driver
                .findElement(By.id("style-content"))
                .sendKeys(samples.resolve("sample1.jpg").toString());
        browser.driver.findElement(By.id("style-style")).sendKeys(stylePattern.toString());
        setValue("style-size", "128");
        setValue("style-iterations", "30");
        paint();
        System.out.println("console screenshot: " + browser.screenshot("console"));
    }

    @Test
    @Order(12)
    void ctrlCStopsEveryProcessOfTheRun() throws Exception {
        List<ProcessHandle> javas = run.javaProcesses();
        assertThat(javas).as("the broker and four services").hasSize(5);

        run.interrupt(Duration.ofSeconds(90));

        assertThat(run.output()).contains("Stopping Likeness...", "Stopped: no Likeness process left.");
        assertThat(javas).noneMatch(ProcessHandle::isAlive);
    }

    private void open() {
        browser.driver.get(run.consoleUrl());
        browser.waitUpTo(Duration.ofSeconds(30))
                .until(ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "live"));
        browser.waitUpTo(Duration.ofSeconds(30))
                .until(driver -> !driver.findElements(By.cssSelector("#gallery tbody tr"))
                        .isEmpty());
    }

    /** Submits the style form and waits until the style panel shows that request finished. */
    private void paint() {
        String requestId = submit("style-submit", "style-message");
        browser.waitUpTo(RESULT_WITHIN).until(driver -> {
            WebElement job = driver.findElement(By.id("style-job"));
            return requestId.equals(job.getDomAttribute("data-request-id"))
                    && driver.findElement(By.id("style-status")).getText().matches("^(done|failed).*");
        });
    }

    /** Chooses the file, submits, and returns the request id the console published. */
    private String upload(String fileInput, String submit, String message, Path file) {
        browser.driver
                .findElement(By.id(fileInput))
                .sendKeys(file.toAbsolutePath().toString());
        return submit(submit, message);
    }

    private String submit(String submit, String message) {
        browser.driver.findElement(By.id(submit)).click();
        browser.waitUpTo(Duration.ofSeconds(30))
                .until(ExpectedConditions.textMatches(By.id(message), Pattern.compile("^published request console-")));
        return browser.driver.findElement(By.id(message)).getText().substring("published request ".length());
    }

    private WebElement awaitCard(String requestId, String part, String text) {
        By card = By.cssSelector("#feed .card[data-request-id='" + requestId + "']");
        browser.waitUpTo(RESULT_WITHIN)
                .until(driver -> driver.findElements(card).stream()
                        .anyMatch(found -> found.findElement(By.cssSelector(part))
                                .getText()
                                .contains(text)));
        return browser.driver.findElement(card);
    }

    private void setValue(String id, String value) {
        WebElement input = browser.driver.findElement(By.id(id));
        input.clear();
        input.sendKeys(value);
    }

    /** The number that follows {@code after} in a page's text, e.g. "d=0.812". */
    private static double number(String text, String after) {
        Matcher matcher =
                Pattern.compile(Pattern.quote(after) + "(\\d+(\\.\\d+)?)").matcher(text);
        assertThat(matcher.find())
                .as("'%s' followed by a number in: %s", after, text)
                .isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    private static BufferedImage fetchImage(String url) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        return ImageIO.read(new ByteArrayInputStream(response.body()));
    }

    private static byte[] fetch(String url) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** An animated GIF of {@code frames} frames: a bright disc moving across a gradient. */
    private static Path writeClip(Path file, int frames) throws IOException {
        javax.imageio.ImageWriter writer =
                ImageIO.getImageWritersByFormatName("gif").next();
        try (javax.imageio.stream.ImageOutputStream output = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(output);
            writer.prepareWriteSequence(null);
            for (int t = 0; t < frames; t++) {
                BufferedImage frame = new BufferedImage(96, 64, BufferedImage.TYPE_INT_RGB);
                Graphics2D graphics = frame.createGraphics();
                graphics.setPaint(new java.awt.GradientPaint(0, 0, new Color(0x3a6ea5), 96, 64, new Color(0xc0d6df)));
                graphics.fillRect(0, 0, 96, 64);
                graphics.setColor(new Color(0xffd166));
                graphics.fillOval(10 + 15 * t, 20, 24, 24);
                graphics.dispose();
                writer.writeToSequence(new javax.imageio.IIOImage(frame, null, null), null);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
        return file;
    }

    /** One second of 16 kHz 16-bit WAV: a melody of four tones, or bursts of noise. */
    private static Path writeWav(Path file, boolean noise) throws IOException {
        int rate = 16_000;
        java.nio.ByteBuffer pcm = java.nio.ByteBuffer.allocate(2 * rate).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        double[] tones = {262, 330, 392, 523};
        for (int i = 0; i < rate; i++) {
            double t = (double) i / rate;
            double sample = noise
                    ? ((t * 4) % 1 < 0.3 ? 0.5 * (random.nextDouble() * 2 - 1) : 0)
                            + 0.2 * Math.sin(2 * Math.PI * 110 * t)
                    : 0.5 * Math.sin(2 * Math.PI * tones[(int) (t * 4)] * t);
            pcm.putShort((short) Math.round(sample * 32767));
        }
        javax.sound.sampled.AudioFormat format = new javax.sound.sampled.AudioFormat(rate, 16, 1, true, false);
        try (javax.sound.sampled.AudioInputStream stream =
                new javax.sound.sampled.AudioInputStream(new ByteArrayInputStream(pcm.array()), format, rate)) {
            javax.sound.sampled.AudioSystem.write(stream, javax.sound.sampled.AudioFileFormat.Type.WAVE, file.toFile());
        }
        return file;
    }

    /** Diagonal stripes in three colours: a style with an obvious texture and palette. */
    private static Path writeStylePattern(Path file) throws IOException {
        BufferedImage pattern = new BufferedImage(160, 160, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = pattern.createGraphics();
        Color[] colours = {new Color(0x1f4e9c), new Color(0xf2c14e), new Color(0xd1495b)};
        for (int k = -160; k < 320; k += 12) {
            graphics.setColor(colours[Math.floorMod(k / 12, colours.length)]);
            graphics.fillPolygon(new int[] {k, k + 12, k + 172, k + 160}, new int[] {0, 0, 160, 160}, 4);
        }
        graphics.dispose();
        ImageIO.write(pattern, "png", file.toFile());
        return file;
    }
}
