package dev.likeness.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The -cuda images ({@code make images-cuda}) hold every library ONNX Runtime's CUDA provider needs, except
 * the driver's libcuda.so.1, which the NVIDIA container toolkit mounts from the host. Each image is unpacked,
 * the provider libraries are taken out of its onnxruntime_gpu jar into /tmp as ONNX Runtime does at startup,
 * and the image's own dynamic loader resolves them the way {@code ldd -r} does, searching only the
 * unpacked image (its LD_LIBRARY_PATH, then the folders Debian's loader searches when there is no
 * ld.so.cache, which the image has not): every needed library found inside the image, every symbol bound.
 * The cuDNN sub-libraries, which libcudnn.so.9 opens only at run time, are resolved the same way. Needs
 * root to unpack the image with its owners, like ImageRunsTest.
 *
 * <p>Not part of {@code make test} (deploy/images/pom.xml excludes it): only {@code make images-cuda} builds
 * -cuda images, and their CUDA base is a 2.0 GB download. Whether the provider then runs on a GPU is not
 * checked here: no GPU.
 */
@Tag("images")
class CudaLibrariesTest {

    /** The CUDA and cuDNN sonames libonnxruntime_providers_cuda.so of onnxruntime_gpu 1.23.2 is linked with. */
    private static final List<String> PROVIDER_NEEDS = List.of(
            "libcudart.so.12",
            "libcublas.so.12",
            "libcublasLt.so.12",
            "libcurand.so.10",
            "libcufft.so.11",
            "libcudnn.so.9");

    private static final String NATIVE = "ai/onnxruntime/native/linux-x64/";
    /** Where Debian's loader looks after LD_LIBRARY_PATH when there is no /etc/ld.so.cache. */
    private static final List<String> SYSTEM_FOLDERS =
            List.of("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib", "/usr/lib");

    private static final Pattern RESOLVED = Pattern.compile("^\\s*(\\S+) => (.+?) \\(0x[0-9a-f]+\\)$");
    private static final Pattern NOT_FOUND = Pattern.compile("^\\s*(\\S+) => not found$");

    static List<Path> cudaImages() {
        return ImageArchive.built().stream()
                .filter(path -> path.getFileName().toString().endsWith("-cuda.tar"))
                .toList();
    }

    @Test
    void makeImagesCudaWroteTheGpuImagesTheCudaOverlayRuns() {
        assertThat(cudaImages())
                .extracting(path -> path.getFileName().toString())
                .contains("embedding-0.1.0-cuda.tar", "stylising-0.1.0-cuda.tar");
    }

    @Test
    void theCudaOverlayRunsTheseImagesAsTheirConfigsSay() {
        List<ManifestsMatchImagesTest.Use> uses = ManifestsMatchImagesTest.uses("cuda").stream()
                .filter(use -> use.image().repoTag.endsWith("-cuda"))
                .toList();
        assertThat(uses)
                .extracting(use -> use.where() + " " + use.image().repoTag)
                .contains(
                        "cuda likeness-embedding/embedding likeness/embedding:0.1.0-cuda",
                        "cuda likeness-stylising/stylising likeness/stylising:0.1.0-cuda");
        for (ManifestsMatchImagesTest.Use use : uses) {
            ManifestsMatchImagesTest.checkUser(use);
            ManifestsMatchImagesTest.checkService(use);
        }
    }

    @ParameterizedTest
    @MethodSource("cudaImages")
    void theCudaProviderFindsEveryCudaLibraryInsideTheImage(Path tarball) throws Exception {
        assertThat(new com.sun.security.auth.module.UnixSystem().getUid())
                .as("unpacking an image needs root")
                .isZero();
        ImageArchive image = ImageArchive.of(tarball);
        String libraryPath = image.environment().get("LD_LIBRARY_PATH");
        assertThat(libraryPath).as("LD_LIBRARY_PATH of %s", image).isNotBlank();
        Path work = Path.of("target/cuda-check").toAbsolutePath();
        Path root = work.resolve(tarball.getFileName().toString().replace(".tar", ""));
        removeTree(root);
        try {
            image.unpack(root);
            Path providers = extractProviders(root);
            List<String> searchPath = new ArrayList<>(List.of(libraryPath.split(":")));
            searchPath.addAll(SYSTEM_FOLDERS);
            // ONNX Runtime loads libonnxruntime_providers_shared.so before the CUDA provider, which needs its symbols.
            Resolution provider = resolve(
                    root,
                    searchPath,
                    providers.resolve("libonnxruntime_providers_cuda.so"),
                    providers.resolve("libonnxruntime_providers_shared.so"));
            assertThat(provider.missing)
                    .as("%s: libraries the CUDA provider cannot find", image)
                    .isEmpty();
            assertThat(provider.undefinedSymbols)
                    .as("%s: symbols the CUDA provider cannot bind", image)
                    .isEmpty();
            for (String soname : PROVIDER_NEEDS) {
                assertThat(provider.found).as("%s: %s", image, soname).containsKey(soname);
                assertThat(provider.found.get(soname))
                        .as("%s: %s from the image's CUDA libraries", image, soname)
                        .startsWith(root + libraryPath.split(":")[0] + "/");
            }

            // The libraries themselves, the cuDNN ones libcudnn.so.9 opens at run time included.
            List<Path> libraries = new ArrayList<>();
            for (String dir : libraryPath.split(":")) {
                try (Stream<Path> files = Files.list(root.resolve(dir.substring(1)))) {
                    files.filter(file -> file.getFileName().toString().contains(".so"))
                            .sorted()
                            .forEach(libraries::add);
                }
            }
            assertThat(libraries)
                    .extracting(file -> "/" + root.relativize(file))
                    .as("%s: cuDNN's run-time parts", image)
                    .contains(
                            "/usr/local/cuda/lib64/libcudnn_ops.so.9",
                            "/usr/local/cuda/lib64/libcudnn_engines_precompiled.so.9");
            for (Path library : libraries) {
                Resolution resolution = resolve(root, searchPath, library, null);
                assertThat(resolution.missing)
                        .as("%s: libraries %s cannot find", image, library)
                        .allMatch(soname -> soname.equals("libcuda.so.1"));
                assertThat(resolution.undefinedSymbols)
                        .as("%s: symbols %s cannot bind", image, library)
                        .isEmpty();
            }
        } finally {
            removeTree(root);
        }
    }

    /** What the image's loader made of one library: sonames found (and where), missing, unbound symbols. */
    private record Resolution(Map<String, String> found, List<String> missing, List<String> undefinedSymbols) {}

    /**
     * {@code ldd -r LIBRARY} within the image: the image's own loader (run as a program, as ldd does), told to
     * search only the image's folders and no cache, with relocations processed so unbound symbols show.
     * Every library it finds must lie inside the image, so nothing of the host can stand in for a missing one.
     */
    private static Resolution resolve(Path root, List<String> searchPath, Path library, Path preload) throws Exception {
        Path loader = root.resolve("lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
        assertThat(Files.isRegularFile(loader, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                .as("the image's loader")
                .isTrue();
        List<String> command = new ArrayList<>(List.of(
                loader.toString(),
                "--inhibit-cache",
                "--library-path",
                String.join(":", searchPath.stream().map(dir -> root + dir).toList())));
        if (preload != null) {
            command.addAll(List.of("--preload", preload.toString()));
        }
        command.add(library.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("LD_TRACE_LOADED_OBJECTS", "1");
        builder.environment().put("LD_BIND_NOW", "yes");
        builder.environment().put("LD_WARN", "yes");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        process.waitFor();
        Map<String, String> found = new TreeMap<>();
        List<String> missing = new ArrayList<>();
        List<String> undefined = new ArrayList<>();
        for (String line : output.split("\n")) {
            Matcher resolved = RESOLVED.matcher(line);
            Matcher notFound = NOT_FOUND.matcher(line);
            if (notFound.matches()) {
                missing.add(notFound.group(1));
            } else if (resolved.matches()) {
                found.put(resolved.group(1), resolved.group(2));
            } else if (line.startsWith("undefined symbol:") || line.contains("error while loading")) {
                undefined.add(line.trim());
            }
        }
        assertThat(found)
                .as("what the loader found for %s:%n%s", library, output)
                .isNotEmpty();
        assertThat(found.values())
                .as("%s: every library from inside the image", library)
                .allMatch(path -> path.startsWith(root + "/"));
        return new Resolution(found, missing, undefined);
    }

    /** The provider libraries of the image's onnxruntime_gpu jar, written to /tmp/onnxruntime in the image. */
    private static Path extractProviders(Path root) throws IOException {
        Path libraries = root.resolve("app/lib/main");
        List<Path> jars;
        try (Stream<Path> files = Files.list(libraries)) {
            jars = files.filter(file -> file.getFileName().toString().contains("onnxruntime_gpu"))
                    .toList();
        }
        assertThat(jars).as("the onnxruntime_gpu jar in /app/lib/main").hasSize(1);
        Path target = root.resolve("tmp/onnxruntime");
        Files.createDirectories(target);
        try (ZipFile jar = new ZipFile(jars.get(0).toFile())) {
            for (String name : List.of("libonnxruntime_providers_shared.so", "libonnxruntime_providers_cuda.so")) {
                ZipEntry entry = jar.getEntry(NATIVE + name);
                assertThat(entry).as("%s in %s", name, jars.get(0)).isNotNull();
                try (InputStream in = jar.getInputStream(entry)) {
                    Files.copy(in, target.resolve(name));
                }
            }
        }
        return target;
    }

    private static void removeTree(Path dir) throws IOException, InterruptedException {
        assertThat(new ProcessBuilder("rm", "-rf", "--one-file-system", dir.toString())
                        .inheritIO()
                        .start()
                        .waitFor())
                .as("rm -rf " + dir)
                .isZero();
    }
}
