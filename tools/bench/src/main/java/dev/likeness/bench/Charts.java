package dev.likeness.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/** Bar charts of benchmark figures as PNG files under docs/images (drawn headless by XChart). */
public final class Charts {

    private Charts() {}

    /** One bar per category and series; the caption under the title names the command and the machine. */
    public record Bars(String title, String yAxis, List<String> categories, Map<String, List<Double>> series) {
        public Bars(String title, String yAxis, List<String> categories) {
            this(title, yAxis, categories, new LinkedHashMap<>());
        }

        public Bars add(String name, List<Double> values) {
            if (values.size() != categories.size()) {
                throw new IllegalArgumentException(
                        name + ": " + values.size() + " values for " + categories.size() + " categories");
            }
            series.put(name, values);
            return this;
        }
    }

    /** Writes {@code bars} to {@code png} and returns the markdown that shows it, relative to docs/. */
    public static String write(Path png, Bars bars, String caption) throws IOException {
        System.setProperty("java.awt.headless", "true");
        CategoryChart chart = new CategoryChartBuilder()
                .width(900)
                .height(480)
                .title(bars.title())
                .yAxisTitle(bars.yAxis())
                .xAxisTitle(caption)
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        // Value labels only where they fit: with many series they overlap.
        chart.getStyler().setLabelsVisible(bars.series().size() <= 3);
        chart.getStyler().setLabelsFontColorAutomaticEnabled(false);
        chart.getStyler().setLabelsFontColor(java.awt.Color.BLACK);
        chart.getStyler().setDecimalPattern("#,##0.##");
        chart.getStyler().setAxisTitleFont(chart.getStyler().getAxisTitleFont().deriveFont(11f));
        bars.series().forEach((name, values) -> chart.addSeries(name, bars.categories(), values));
        Files.createDirectories(png.toAbsolutePath().getParent());
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        return "![" + bars.title() + "](images/" + png.getFileName() + ")";
    }
}
