package dev.likeness.learning.evaluation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's figures as PNG: ROC curves and distance histograms. Drawn headless. */
public final class Charts {

    private static final int WIDTH = 720;
    private static final int HEIGHT = 480;
    private static final int BINS = 40;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {}

    /**
     * TAR against FAR (log scale) for one or more embeddings of the same faces, e.g. before and after
     * adaptation. FAR below one impostor pair is not drawn: it cannot be measured.
     */
    public static Path roc(Map<String, Evaluation.Result> curves, Path file) {
        XYChart chart = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title("ROC")
                .xAxisTitle("false-accept rate (log)")
                .yAxisTitle("true-accept rate")
                .build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        curves.forEach((name, result) -> {
            double[][] points = rocPoints(result);
            XYSeries series = chart.addSeries(
                    name + String.format(Locale.ROOT, " (AUC %.4f)", result.auc()), points[0], points[1]);
            series.setMarker(SeriesMarkers.NONE);
        });
        return save(chart, file);
    }

    /** Densities of the genuine and impostor distances over [0, 4], one chart per embedding. */
    public static Path histogram(String title, Evaluation.Result result, Path file) {
        XYChart chart = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title)
                .xAxisTitle("squared distance d = ||f1 - f2||^2")
                .yAxisTitle("fraction of pairs")
                .build();
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("same person (" + result.genuine().length + " pairs)", result.genuine());
        series.put("different people (" + result.impostors().length + " pairs)", result.impostors());
        double[] centres = new double[BINS];
        for (int b = 0; b < BINS; b++) {
            centres[b] = (b + 0.5) * 4.0 / BINS;
        }
        series.forEach((name, distances) -> {
            double[] fractions = new double[BINS];
            for (double d : distances) {
                fractions[Math.min(BINS - 1, (int) (d / 4.0 * BINS))] += 1.0 / distances.length;
            }
            XYSeries line = chart.addSeries(name, centres, fractions);
            line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
            line.setMarker(SeriesMarkers.NONE);
        });
        result.tars().stream().findFirst().ifPresent(tar -> {
            XYSeries tau = chart.addSeries(
                    String.format(Locale.ROOT, "tau at FAR %.0e = %.3f", tar.targetFar(), tar.tau()),
                    new double[] {tar.tau(), tar.tau()},
                    new double[] {0, maxFraction(chart)});
            tau.setMarker(SeriesMarkers.NONE);
        });
        return save(chart, file);
    }

    /** [FAR, TAR] at thresholds on every impostor distance, FAR > 0 only. */
    static double[][] rocPoints(Evaluation.Result result) {
        double[] impostors = result.impostors().clone();
        double[] genuine = result.genuine().clone();
        Arrays.sort(impostors);
        Arrays.sort(genuine);
        int steps = Math.min(impostors.length, 400);
        double[] far = new double[steps];
        double[] tar = new double[steps];
        int g = 0;
        for (int s = 0; s < steps; s++) {
            // Thresholds spread evenly in log(FAR): from one impostor pair up to all of them.
            double fraction = Math.pow(impostors.length, (double) s / Math.max(1, steps - 1)) / impostors.length;
            int accepted = Math.max(1, (int) Math.round(fraction * impostors.length));
            double tau = impostors[accepted - 1];
            while (g < genuine.length && genuine[g] <= tau) {
                g++;
            }
            far[s] = (double) accepted / impostors.length;
            tar[s] = (double) g / genuine.length;
        }
        return new double[][] {far, tar};
    }

    private static double maxFraction(XYChart chart) {
        return chart.getSeriesMap().values().stream()
                .flatMapToDouble(series -> Arrays.stream(series.getYData()))
                .max()
                .orElse(1);
    }

    private static Path save(XYChart chart, Path file) {
        try {
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
            // XChart appends the extension itself when the name lacks it.
            return file.toString().endsWith(".png") ? file : file.resolveSibling(file.getFileName() + ".png");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the chart " + file, e);
        }
    }
}
