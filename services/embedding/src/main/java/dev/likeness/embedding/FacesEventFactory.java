package dev.likeness.embedding;

import java.time.Instant;
import java.util.List;

import com.google.protobuf.Timestamp;
import dev.likeness.events.v1.Face;
import dev.likeness.events.v1.FaceQuality;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.ModelRef;
import dev.likeness.events.v1.Point;
import dev.likeness.face.AnalysedFace;
import dev.likeness.face.FaceAnalysis;
import dev.likeness.face.FacePipeline;

/** Turns the pipeline's analysis into the FacesEmbedded event, carrying the request's purpose through. */
final class FacesEventFactory {

    private FacesEventFactory() {}

    static FacesEmbedded create(
            FacePipeline pipeline, ImageRequest accepted, FaceAnalysis image, FaceAnalysis secondImage) {
        ImageSubmitted request = accepted.event();
        boolean with68 = request.getOptions().getIncludeLandmarks68();
        Instant now = Instant.now();
        FacesEmbedded.Builder event = FacesEmbedded.newBuilder()
                .setRequestId(request.getRequestId())
                .setProducedAt(
                        Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setEmbeddingModel(ref(pipeline.embeddingModel()))
                .setDetectorModel(ref(pipeline.detectorModel()))
                .setLandmarkModel(ref(pipeline.landmarkModel()))
                .setImageWidth(image.width())
                .setImageHeight(image.height())
                .setPurpose(request.getPurpose())
                .putAllAttributes(request.getAttributesMap())
                .setTenant(request.getTenant())
                .setOnTenantTopic(accepted.onTenantTopic());
        image.faces().forEach(face -> event.addFaces(face(face, with68)));
        event.setSubjectFace(Math.max(0, image.subjectIndex()));
        if (secondImage != null) {
            secondImage.faces().forEach(face -> event.addSecondImageFaces(face(face, with68)));
            event.setSecondImageSubjectFace(Math.max(0, secondImage.subjectIndex()));
        }
        return event.build();
    }

    private static Face face(AnalysedFace face, boolean with68) {
        Face.Builder builder = Face.newBuilder()
                .setBox(face.box().boundingBox())
                .setDetectorScore(face.box().score())
                .addAllLandmarks5(points(face.landmarks5()))
                .setQuality(FaceQuality.newBuilder()
                        .setFaceSizePx(Math.min(face.box().width(), face.box().height()))
                        .setSharpness(face.sharpness())
                        .setYawDegrees(face.yawDegrees()));
        for (float value : face.embedding()) {
            builder.addEmbedding(value);
        }
        if (with68) {
            builder.addAllLandmarks68(points(face.landmarks68()));
        }
        face.attributes().forEach(attribute -> builder.addAttributes(attribute.toEvent()));
        return builder.build();
    }

    private static List<Point> points(float[] xy) {
        Point[] points = new Point[xy.length / 2];
        for (int i = 0; i < points.length; i++) {
            points[i] = Point.newBuilder().setX(xy[2 * i]).setY(xy[2 * i + 1]).build();
        }
        return List.of(points);
    }

    private static ModelRef ref(FacePipeline.ModelIdentity identity) {
        return ModelRef.newBuilder()
                .setId(identity.id())
                .setVersion(identity.version())
                .build();
    }
}
