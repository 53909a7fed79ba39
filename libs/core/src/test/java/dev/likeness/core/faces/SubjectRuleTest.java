package dev.likeness.core.faces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.likeness.core.events.Requests;
import dev.likeness.events.v1.BoundingBox;
import dev.likeness.events.v1.FaceChoice;

class SubjectRuleTest {

    private static final int WIDTH = 1000;
    private static final int HEIGHT = 800;

    private static BoundingBox box(float x1, float y1, float x2, float y2) {
        return BoundingBox.newBuilder().setX1(x1).setY1(y1).setX2(x2).setY2(y2).build();
    }

    @Test
    void scoreIsAreaLessTwiceTheSquaredCentreOffset() {
        // 100 x 50 box centred at (550, 420): offset (50, 20), 2 x 2900 = 5800.
        assertThat(SubjectRule.score(box(500, 395, 600, 445), WIDTH, HEIGHT)).isEqualTo(5000 - 5800);
        assertThat(SubjectRule.score(box(450, 350, 550, 450), WIDTH, HEIGHT)).isEqualTo(10000);
    }

    @Test
    void neitherTheHighestScoredNorTheLargestFaceIsTheSubject() {
        // Faces arrive highest detector score first: a sharp face in a corner, then a large face at the
        // edge (a "face" in a blurred crowd), then the person the photo is of, near the centre.
        List<BoundingBox> faces = List.of(
                box(20, 20, 140, 160), // score 0.99, small, far from the centre
                box(700, 0, 1000, 400), // score 0.95, the largest box, at the edge
                box(390, 300, 610, 560)); // score 0.80, central
        assertThat(SubjectRule.subjectIndex(faces, WIDTH, HEIGHT)).isEqualTo(2);
    }

    @Test
    void aLargeFaceAwayFromTheCentreCanOutweighASmallCentralOne() {
        List<BoundingBox> faces = List.of(box(490, 390, 510, 410), box(100, 100, 500, 600));
        assertThat(SubjectRule.subjectIndex(faces, WIDTH, HEIGHT)).isEqualTo(1);
    }

    @Test
    void equalScoresKeepTheEarlierFaceAndNoFaceHasNoSubject() {
        List<BoundingBox> mirrored = List.of(box(100, 350, 200, 450), box(800, 350, 900, 450));
        assertThat(SubjectRule.subjectIndex(mirrored, WIDTH, HEIGHT)).isZero();
        assertThat(SubjectRule.subjectIndex(List.of(), WIDTH, HEIGHT)).isEqualTo(SubjectRule.NONE);
    }

    @Test
    void aNamedFaceIsFoundByIndexOrByAPointInsideItsBox() {
        List<BoundingBox> faces = List.of(box(0, 0, 400, 400), box(300, 300, 500, 500));
        assertThat(SubjectRule.namedIndex(Requests.faceChoice(1, null), faces)).isEqualTo(1);
        assertThat(SubjectRule.namedIndex(Requests.faceChoice(2, null), faces)).isEqualTo(SubjectRule.NONE);
        assertThat(SubjectRule.namedIndex(Requests.faceChoice(null, "100,50"), faces))
                .isZero();
        // Inside both boxes: the one whose centre is nearer.
        assertThat(SubjectRule.namedIndex(Requests.faceChoice(null, "390, 390"), faces))
                .isEqualTo(1);
        assertThat(SubjectRule.namedIndex(Requests.faceChoice(null, "600,600"), faces))
                .isEqualTo(SubjectRule.NONE);
    }

    @Test
    void aFaceChoiceIsAnIndexOrAPointNeverBothNorGarbled() {
        assertThat(Requests.faceChoice(null, null)).isNull();
        assertThat(Requests.faceChoice(null, "12.5,7").getPoint().getX()).isEqualTo(12.5f);
        assertThat(Requests.faceChoice(3, null).getByCase()).isEqualTo(FaceChoice.ByCase.INDEX);
        assertThatThrownBy(() -> Requests.faceChoice(1, "1,2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Requests.faceChoice(-1, null)).isInstanceOf(IllegalArgumentException.class);
        for (String garbled : List.of("12", "1,2,3", "a,b", "NaN,1", "")) {
            assertThatThrownBy(() -> Requests.faceChoice(null, garbled))
                    .as(garbled)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
