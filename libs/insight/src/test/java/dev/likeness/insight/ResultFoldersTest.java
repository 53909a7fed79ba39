package dev.likeness.insight;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deleting a result folder, as two services on one shared results volume may do at the same time. */
class ResultFoldersTest {

    @TempDir
    Path temp;

    @Test
    void twoDeletesOfOneFolderAtOnceBothSucceed() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                Path folder = temp.resolve("atlas" + round);
                for (int dir = 0; dir < 50; dir++) {
                    Path sub = Files.createDirectories(folder.resolve("faces" + dir));
                    for (int file = 0; file < 4; file++) {
                        Files.writeString(sub.resolve("face" + file + ".png"), "x");
                    }
                }
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<?>> deletes = new ArrayList<>();
                for (int thread = 0; thread < 2; thread++) {
                    deletes.add(pool.submit(() -> {
                        start.await();
                        ResultFolders.delete(folder);
                        return null;
                    }));
                }
                for (Future<?> delete : deletes) {
                    // A file or folder the other one deleted first is no failure.
                    delete.get();
                }
                assertThat(folder).doesNotExist();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void nothingThereIsFine() {
        ResultFolders.delete(temp.resolve("none"));
        assertThat(temp.resolve("none")).doesNotExist();
    }
}
