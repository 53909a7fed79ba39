package dev.likeness.onnx.tools.grad;

import java.util.List;
import java.util.OptionalDouble;

/**
 * Which extractor outputs the style-transfer loss compares, fixed when the graphs are generated. The weights
 * (alpha, beta, gamma and one lambda per style layer) stay graph inputs.
 *
 * @param contentLayers        layers whose activations J_content compares with the content image's
 * @param styleLayers          layers whose Gram matrices J_style compares with the style image's
 * @param smoothingTemperature when present, SWAG activation smoothing (Wang, Li and Vasconcelos, CVPR 2021):
 *                             every compared activation map a [1, C, H, W] is replaced by
 *                             {@code C * softmax(a / T)}, the softmax over the C channels at each position,
 *                             before both losses
 */
public record StyleLossSpec(List<String> contentLayers, List<String> styleLayers, OptionalDouble smoothingTemperature) {

    public StyleLossSpec {
        contentLayers = List.copyOf(contentLayers);
        styleLayers = List.copyOf(styleLayers);
        if (contentLayers.isEmpty() && styleLayers.isEmpty()) {
            throw new IllegalArgumentException("The loss needs at least one content or style layer");
        }
        if (smoothingTemperature.isPresent() && !(smoothingTemperature.getAsDouble() > 0)) {
            throw new IllegalArgumentException("The smoothing temperature must be positive");
        }
    }
}
