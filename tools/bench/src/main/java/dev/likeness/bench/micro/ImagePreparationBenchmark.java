package dev.likeness.bench.micro;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.likeness.core.image.DecodeOptions;
import dev.likeness.core.image.DecodedImage;
import dev.likeness.core.image.ImageDecoder;
import dev.likeness.core.image.ImageRejectedException;
import dev.likeness.core.image.ImageTensors;
import dev.likeness.core.image.TensorEncoding;
import dev.likeness.core.onnx.ModelsDirectory;

/**
 * The Java work around the face networks, one step at a time: decoding a 1920 px sample photo (in full, and
 * reduced to the detector's 640 px long side as the pipeline does), resizing it into a detector tensor, and
 * warping an aligned 112x112 face tensor out of it. EmbeddingBench measures these together with the networks;
 * here each is isolated so a change to one (another decoder, another resampler) is measured on its own.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class ImagePreparationBenchmark {

    /** Two of face-api's sample photos: 1920x1280 and 1920x1350 baseline JPEGs. */
    @Param({"sample1.jpg", "sample3.jpg"})
    public String photo;

    private final ImageDecoder decoder = new ImageDecoder();
    private byte[] bytes;
    private BufferedImage reduced;
    private final TensorEncoding encoding = TensorEncoding.rgb(127.5f, 128f);
    private final FloatBuffer detectorInput = FloatBuffer.allocate(3 * 640 * 640);
    private final FloatBuffer faceInput = FloatBuffer.allocate(3 * 112 * 112);
    /** A similarity (scale 0.4, rotation 10 degrees) that maps a face of about 280 px to 112 px. */
    private final double[] toAlignedFace = {0.394, -0.069, -180, 0.069, 0.394, -60};

    @Setup
    public void readPhoto() throws IOException, ImageRejectedException {
        bytes = Files.readAllBytes(ModelsDirectory.resolve("samples").resolve(photo));
        reduced = decoder.decode(bytes, DecodeOptions.reducedTo(640)).image();
    }

    @Benchmark
    public DecodedImage decodeFull() throws ImageRejectedException {
        return decoder.decode(bytes);
    }

    @Benchmark
    public DecodedImage decodeReducedTo640() throws ImageRejectedException {
        return decoder.decode(bytes, DecodeOptions.reducedTo(640));
    }

    @Benchmark
    public FloatBuffer resizeToDetectorTensor() {
        detectorInput.clear();
        ImageTensors.resize(reduced, 640, 640, encoding, detectorInput);
        return detectorInput;
    }

    @Benchmark
    public FloatBuffer warpAlignedFaceTensor() {
        faceInput.clear();
        ImageTensors.warpAffine(reduced, toAlignedFace, 112, 112, encoding, faceInput);
        return faceInput;
    }
}
