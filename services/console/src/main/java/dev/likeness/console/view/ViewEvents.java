package dev.likeness.console.view;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.google.protobuf.Timestamp;
import dev.likeness.events.v1.BoundingBox;
import dev.likeness.events.v1.Candidate;
import dev.likeness.events.v1.DeadLetter;
import dev.likeness.events.v1.Face;
import dev.likeness.events.v1.FaceAttribute;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.events.v1.Identity;
import dev.likeness.events.v1.ImageStylised;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.events.v1.Purpose;
import dev.likeness.events.v1.RecognisedFace;
import dev.likeness.events.v1.RequestError;
import dev.likeness.events.v1.StoredEmbedding;
import dev.likeness.events.v1.StyleProgress;
import dev.likeness.events.v1.StyleRequested;

/** The page's view of each event: plain JSON objects with a {@code type}; pictures are links, not bytes. */
public final class ViewEvents {

    public static final String IMAGE = "image";
    public static final String SECOND_IMAGE = "second";
    public static final String RESULT = "result";

    private static final int NANOS_PER_SECOND = 1_000_000_000;

    private ViewEvents() {}

    /** The key of a request's picture among the {@link Pictures}. */
    public static String pictureKey(String requestId, String which) {
        return requestId + "/" + which;
    }

    /** Where the page fetches a picture of a request. */
    public static String pictureUrl(String requestId, String which) {
        return "/api/pictures/"
                + URLEncoder.encode(requestId, StandardCharsets.UTF_8).replace("+", "%20") + "/" + which;
    }

    public static Map<String, Object> image(ImageSubmitted request) {
        Purpose purpose = request.getPurpose();
        Map<String, Object> view = view("image", request.getRequestId());
        view.put("submittedAt", time(request.getSubmittedAt()));
        view.put("purpose", purpose.getKindCase().name().toLowerCase(Locale.ROOT));
        view.put("imageUrl", request.getImage().hasInline() ? pictureUrl(request.getRequestId(), IMAGE) : null);
        view.put("imageUri", request.getImage().hasUri() ? request.getImage().getUri() : null);
        switch (purpose.getKindCase()) {
            case ENROL -> {
                view.put("identityId", purpose.getEnrol().getIdentityId());
                view.put("displayName", purpose.getEnrol().getDisplayName());
            }
            case VERIFY -> {
                Purpose.Verify verify = purpose.getVerify();
                view.put("claimedIdentityId", verify.hasSecondImage() ? null : verify.getClaimedIdentityId());
                view.put(
                        "secondImageUrl",
                        verify.hasSecondImage() && verify.getSecondImage().hasInline()
                                ? pictureUrl(request.getRequestId(), SECOND_IMAGE)
                                : null);
            }
            default -> {}
        }
        return view;
    }

    public static Map<String, Object> faces(FacesEmbedded event) {
        Map<String, Object> view = view("faces", event.getRequestId());
        view.put("purpose", event.getPurpose().getKindCase().name().toLowerCase(Locale.ROOT));
        view.put("width", event.getImageWidth());
        view.put("height", event.getImageHeight());
        view.put("faces", event.getFacesList().stream().map(ViewEvents::face).toList());
        // The face "the face of this photo" means (SubjectRule, chosen by the embedding service).
        view.put("subjectFace", event.getFacesCount() > 0 ? event.getSubjectFace() : null);
        view.put(
                "secondImageFaces",
                event.getSecondImageFacesList().stream().map(ViewEvents::face).toList());
        view.put(
                "model",
                event.getEmbeddingModel().getId() + "@"
                        + event.getEmbeddingModel().getVersion());
        return view;
    }

    public static Map<String, Object> match(MatchResult result) {
        Map<String, Object> view = view("match", result.getRequestId());
        view.put("outcome", result.getOutcomeCase().name().toLowerCase(Locale.ROOT));
        switch (result.getOutcomeCase()) {
            case RECOGNITION -> {
                view.put("threshold", result.getRecognition().getThreshold());
                view.put(
                        "faces",
                        result.getRecognition().getFacesList().stream()
                                .map(ViewEvents::recognised)
                                .toList());
            }
            case ENROLMENT -> {
                view.put("identityId", result.getEnrolment().getIdentityId());
                view.put("displayName", result.getEnrolment().getDisplayName());
                view.put("created", result.getEnrolment().getCreated());
                view.put("embeddingCount", result.getEnrolment().getEmbeddingCount());
                view.put("box", box(result.getEnrolment().getBox()));
            }
            case VERIFICATION -> {
                view.put("same", result.getVerification().getSame());
                view.put("distance", result.getVerification().getDistance());
                view.put("probability", result.getVerification().getProbability());
                view.put("threshold", result.getVerification().getThreshold());
                view.put("claimedIdentityId", result.getVerification().getClaimedIdentityId());
            }
            case ERROR -> view.put("error", error(result.getError()));
            default -> {}
        }
        return view;
    }

    public static Map<String, Object> identity(Identity identity) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("type", "identity");
        view.put("identityId", identity.getIdentityId());
        view.put("displayName", identity.getDisplayName());
        view.put("embeddings", identity.getEmbeddingsCount());
        view.put(
                "models",
                identity.getEmbeddingsList().stream()
                        .map(StoredEmbedding::getModel)
                        .map(model -> model.getId() + "@" + model.getVersion())
                        .distinct()
                        .toList());
        view.put("createdAt", time(identity.getCreatedAt()));
        view.put("updatedAt", time(identity.getUpdatedAt()));
        return view;
    }

    public static Map<String, Object> identityDeleted(String identityId) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("type", "identity-deleted");
        view.put("identityId", identityId);
        return view;
    }

    public static Map<String, Object> styleRequest(StyleRequested request) {
        Map<String, Object> view = view("style-request", request.getRequestId());
        view.put("submittedAt", time(request.getSubmittedAt()));
        view.put("engine", request.getEngine().name().toLowerCase(Locale.ROOT));
        view.put("styles", request.getStylesCount());
        view.put("outputMaxSide", request.getOutputMaxSide());
        view.put(
                "iterations",
                request.getOptimisation().hasIterations()
                        ? request.getOptimisation().getIterations()
                        : null);
        return view;
    }

    public static Map<String, Object> styleProgress(StyleProgress progress) {
        Map<String, Object> view = view("style-progress", progress.getRequestId());
        view.put("iteration", progress.getIteration());
        view.put("totalIterations", progress.getTotalIterations());
        view.put("cost", progress.getCost());
        view.put("contentCost", progress.getContentCost());
        view.put("styleCost", progress.getStyleCost());
        view.put("tvCost", progress.getTvCost());
        view.put("elapsedMs", progress.getElapsedMs());
        view.put("etaMs", progress.getEtaMs());
        if (progress.getFrames() > 0) {
            view.put("frame", progress.getFrame());
            view.put("frames", progress.getFrames());
        }
        view.put(
                "preview",
                progress.getPreviewPng().isEmpty()
                        ? null
                        : "data:image/png;base64,"
                                + Base64.getEncoder()
                                        .encodeToString(progress.getPreviewPng().toByteArray()));
        return view;
    }

    public static Map<String, Object> styleResult(ImageStylised result) {
        Map<String, Object> view = view("style-result", result.getRequestId());
        view.put("width", result.getWidth());
        view.put("height", result.getHeight());
        view.put("iterations", result.getIterations());
        view.put("finalCost", result.getFinalCost());
        view.put("elapsedMs", result.getElapsedMs());
        view.put("cancelled", result.getCancelled());
        view.put("model", result.getModel().getId());
        view.put("frames", result.getFrames());
        view.put("durationMs", result.getDurationMs());
        if (result.hasError()) {
            view.put("error", error(result.getError()));
        } else if (result.getImage().hasInline()) {
            view.put("resultUrl", pictureUrl(result.getRequestId(), RESULT));
            view.put("contentType", result.getImage().getContentType());
        } else {
            view.put("resultUri", result.getImage().getUri());
        }
        return view;
    }

    public static Map<String, Object> deadLetter(String topic, long offset, DeadLetter letter) {
        Map<String, Object> view = view("dead-letter", letter.getRequestId());
        view.put("topic", topic);
        view.put("offset", offset);
        view.put("service", letter.getService());
        view.put("reasonCode", letter.getReasonCode());
        view.put("reason", letter.getReason());
        view.put("sourceTopic", letter.getSourceTopic());
        view.put("sourcePartition", letter.getSourcePartition());
        view.put("sourceOffset", letter.getSourceOffset());
        view.put("attempts", letter.getAttempts());
        view.put("failedAt", time(letter.getFailedAt()));
        return view;
    }

    /** A record the console itself could not read: shown, never silently dropped. */
    public static Map<String, Object> unreadable(String topic, int partition, long offset, String reason) {
        Map<String, Object> view = view("unreadable", null);
        view.put("topic", topic);
        view.put("partition", partition);
        view.put("offset", offset);
        view.put("reason", reason);
        return view;
    }

    private static Map<String, Object> view(String type, String requestId) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("type", type);
        view.put("requestId", requestId);
        return view;
    }

    private static Map<String, Object> face(Face face) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("box", box(face.getBox()));
        view.put("score", face.getDetectorScore());
        view.put("sizePx", face.getQuality().getFaceSizePx());
        view.put(
                "attributes",
                face.getAttributesList().stream().map(ViewEvents::attribute).toList());
        return view;
    }

    /**
     * A face analysis result as the page writes it on the box: {@code gender female 0.90 (gender)}, {@code age 26-30
     * 0.55 ~27 (gear)}, {@code age ~26 (age)}.
     */
    static String attribute(FaceAttribute attribute) {
        StringBuilder text = new StringBuilder(attribute.getAttribute());
        if (!attribute.getLabel().isEmpty()) {
            text.append(String.format(Locale.ROOT, " %s %.2f", attribute.getLabel(), attribute.getScore()));
        }
        if (attribute.hasValue()) {
            text.append(String.format(Locale.ROOT, " ~%.0f", attribute.getValue()));
        }
        return text.append(" (").append(attribute.getAnalysis()).append(')').toString();
    }

    private static Map<String, Object> recognised(RecognisedFace face) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("faceIndex", face.getFaceIndex());
        view.put("box", box(face.getBox()));
        view.put("subject", face.getSubject());
        view.put("unknown", face.getUnknown());
        view.put(
                "candidates",
                face.getCandidatesList().stream().map(ViewEvents::candidate).toList());
        return view;
    }

    private static Map<String, Object> candidate(Candidate candidate) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("identityId", candidate.getIdentityId());
        view.put("displayName", candidate.getDisplayName());
        view.put("distance", candidate.getDistance());
        view.put("probability", candidate.getProbability());
        return view;
    }

    private static List<Float> box(BoundingBox box) {
        return List.of(box.getX1(), box.getY1(), box.getX2(), box.getY2());
    }

    private static Map<String, Object> error(RequestError error) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("code", error.getCode());
        view.put("message", error.getMessage());
        return view;
    }

    /** No time for an unset timestamp, nor for one no {@link Instant} can hold (a client's {@code submitted_at}). */
    private static String time(Timestamp timestamp) {
        long seconds = timestamp.getSeconds();
        int nanos = timestamp.getNanos();
        boolean unset = seconds == 0 && nanos == 0;
        boolean representable = seconds >= Instant.MIN.getEpochSecond()
                && seconds <= Instant.MAX.getEpochSecond()
                && nanos >= 0
                && nanos < NANOS_PER_SECOND;
        return unset || !representable
                ? null
                : Instant.ofEpochSecond(seconds, nanos).toString();
    }
}
