package dev.likeness.mesh;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.face.AnalysedFace;
import dev.likeness.face.FaceAnalysis;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;

/**
 * Small (160x120) JPEGs, each showing one face of the sample photos, kept only where the real pipeline finds
 * exactly that one face: cheap requests that still go through detection, landmarks and embedding.
 */
record FaceViews(List<byte[]> jpegs, List<float[]> embeddings, FacePipeline.ModelIdentity embeddingModel) {

    static final int WIDTH = 160;
    static final int HEIGHT = 120;

    static FaceViews ofSamples() throws Exception {
        Path models = ModelsDirectory.locate();
        List<byte[]> jpegs = new ArrayList<>();
        List<float[]> embeddings = new ArrayList<>();
        FacePipeline.ModelIdentity model;
        try (FacePipeline pipeline = FacePipeline.open(FacePipelineConfig.defaults(models))) {
            model = pipeline.embeddingModel();
            for (int sample = 1; sample <= 6; sample++) {
                byte[] bytes = Files.readAllBytes(models.resolve("samples/sample" + sample + ".jpg"));
                BufferedImage photo = pipeline.decoder().decode(bytes).image();
                for (AnalysedFace face : pipeline.analyse(bytes).faces()) {
                    byte[] view = jpeg(view(photo, face));
                    FaceAnalysis analysis = pipeline.analyse(view);
                    if (analysis.faces().size() == 1) {
                        jpegs.add(view);
                        embeddings.add(analysis.faces().get(0).embedding());
                    }
                }
            }
        }
        return new FaceViews(jpegs, embeddings, model);
    }

    int size() {
        return jpegs.size();
    }

    /** A 4:3 region twice the face's height around it, scaled to 160x120. */
    private static BufferedImage view(BufferedImage photo, AnalysedFace face) {
        double height = Math.min(photo.getHeight(), face.box().height() * 2), width = height * 4 / 3;
        double centreX = (face.box().x1() + face.box().x2()) / 2,
                centreY = (face.box().y1() + face.box().y2()) / 2;
        double x = Math.max(0, Math.min(photo.getWidth() - width, centreX - width / 2));
        double y = Math.max(0, Math.min(photo.getHeight() - height, centreY - height / 2));
        BufferedImage out = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(photo, 0, 0, WIDTH, HEIGHT, (int) x, (int) y, (int) (x + width), (int) (y + height), null);
        g.dispose();
        return out;
    }

    private static byte[] jpeg(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", out);
        return out.toByteArray();
    }
}
