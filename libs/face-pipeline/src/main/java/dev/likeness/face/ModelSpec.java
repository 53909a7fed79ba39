package dev.likeness.face;

import java.nio.file.Path;

import dev.likeness.core.image.TensorEncoding;

/**
 * One network of the pipeline as configuration: where it is, what it is called in events, and how its
 * input is encoded, so another exported detector, landmarker or embedder drops in without code.
 *
 * @param path         the ONNX file
 * @param id           model id written into events, e.g. {@code faceplugin-fr-feature}
 * @param version      model version written into events; empty = the first 12 hex digits of the file's SHA-256
 * @param inputWidth   network input width in pixels
 * @param inputHeight  network input height in pixels
 * @param encoding     channel order and (v - mean) / std normalisation
 * @param outputNames  the outputs the pipeline reads, in the order documented by each stage
 */
public record ModelSpec(
        Path path,
        String id,
        String version,
        int inputWidth,
        int inputHeight,
        TensorEncoding encoding,
        java.util.List<String> outputNames) {

    public ModelSpec {
        outputNames = java.util.List.copyOf(outputNames);
        if (inputWidth <= 0 || inputHeight <= 0) {
            throw new IllegalArgumentException("input size of " + id + " must be positive");
        }
    }
}
