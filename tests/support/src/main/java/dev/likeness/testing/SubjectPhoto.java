package dev.likeness.testing;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * A photo whose subject is not its highest-scored face: a large face in the middle (the person the photo
 * is of) and a smaller, sharper face pasted near the top-left corner (a bystander the detector is surer of).
 * Built from two faces of real photos, so the faces embed as those people.
 */
public final class SubjectPhoto {

    public static final int WIDTH = 1200;
    public static final int HEIGHT = 900;
    /** Side of the square the subject's face (with its margin) fills, in the middle. */
    private static final int SUBJECT_SIDE = 640;
    /** Side of the bystander's square, near the corner. */
    private static final int BYSTANDER_SIDE = 200;

    private SubjectPhoto() {}

    /**
     * @param subject       a photo holding the subject's face
     * @param subjectBox    that face's box x1, y1, x2, y2 (pixels of {@code subject})
     * @param bystander     a photo holding the bystander's face
     * @param bystanderBox  that face's box
     * @return the photo as a JPEG, {@link #WIDTH} x {@link #HEIGHT}
     */
    public static byte[] compose(
            BufferedImage subject, float[] subjectBox, BufferedImage bystander, float[] bystanderBox) {
        BufferedImage photo = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = photo.createGraphics();
        try {
            graphics.setColor(new Color(96, 96, 96));
            graphics.fillRect(0, 0, WIDTH, HEIGHT);
            graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            graphics.drawImage(
                    square(subject, subjectBox, 0.5),
                    (WIDTH - SUBJECT_SIDE) / 2,
                    (HEIGHT - SUBJECT_SIDE) / 2,
                    SUBJECT_SIDE,
                    SUBJECT_SIDE,
                    null);
            graphics.drawImage(square(bystander, bystanderBox, 0.3), 10, 10, BYSTANDER_SIDE, BYSTANDER_SIDE, null);
        } finally {
            graphics.dispose();
        }
        return ImageCorpus.encode(photo, "jpeg");
    }

    /** A square around the box, {@code margin} of its longer side added on every side, clipped to the photo. */
    private static BufferedImage square(BufferedImage photo, float[] box, double margin) {
        double side = Math.max(box[2] - box[0], box[3] - box[1]) * (1 + 2 * margin);
        double centreX = (box[0] + box[2]) / 2, centreY = (box[1] + box[3]) / 2;
        int x = (int) Math.max(0, centreX - side / 2), y = (int) Math.max(0, centreY - side / 2);
        int width = (int) Math.min(side, photo.getWidth() - x), height = (int) Math.min(side, photo.getHeight() - y);
        return photo.getSubimage(x, y, width, height);
    }
}
