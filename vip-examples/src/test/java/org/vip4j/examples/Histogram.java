package org.vip4j.examples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** Draws latency distributions as side-by-side histograms into a PNG, with the JDK alone (headless AWT). */
final class Histogram {

    /**
     * One panel: a title and values in microseconds. A {@code bucketMs} of 0 picks a round bucket width so that the
     * p99 lands in the last buckets; tools whose latencies differ by 30× then each fill their own panel.
     */
    record Panel(String title, List<Long> micros, double bucketMs) {
    }

    private static final int W = 480;
    private static final int H = 320;
    private static final int BUCKETS = 20;
    private static final double[] NICE = {1, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5};

    private Histogram() {
    }

    static void write(Path png, List<Panel> panels) throws IOException {
        writeRows(png, List.of(panels));
    }

    /** Several rows of panels (one row per measure, one column per tool, say) in one image. */
    static void writeRows(Path png, List<List<Panel>> rows) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int columns = rows.stream().mapToInt(List::size).max().orElse(1);
        BufferedImage img = new BufferedImage(W * columns, H * rows.size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int r = 0; r < rows.size(); r++) {
            for (int p = 0; p < rows.get(r).size(); p++) {
                draw(g, rows.get(r).get(p), p * W, r * H);
            }
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static double bucketFor(List<Long> micros) {
        List<Long> sorted = new ArrayList<>(micros);
        sorted.sort(null);
        Long p99 = SwitchTimeline.pct(sorted, 99);
        double wanted = p99 == null ? 1 : p99 / 1000.0 / (BUCKETS - 2);
        for (int power = -1; ; power++) {
            double scale = Math.pow(10, power);
            for (double n : NICE) {
                if (n * scale >= wanted) {
                    return n * scale;
                }
            }
        }
    }

    private static void draw(Graphics2D g, Panel panel, int x0, int y0) {
        double bucketMs = panel.bucketMs() > 0 ? panel.bucketMs() : bucketFor(panel.micros());
        int left = x0 + 50;
        int right = x0 + W - 20;
        int top = y0 + 40;
        int bottom = y0 + H - 40;
        int[] counts = new int[BUCKETS];
        for (long v : panel.micros()) {
            int b = (int) Math.min(BUCKETS - 1, v / 1000.0 / bucketMs);
            counts[b]++;
        }
        int max = 1;
        for (int c : counts) {
            max = Math.max(max, c);
        }
        g.setColor(Color.BLACK);
        g.drawString(panel.title() + " (n=" + panel.micros().size() + ")", x0 + 20, y0 + 22);
        g.setStroke(new BasicStroke(1));
        g.drawLine(left, bottom, right, bottom);
        g.drawLine(left, top, left, bottom);
        double bw = (right - left) / (double) BUCKETS;
        for (int i = 0; i < BUCKETS; i++) {
            int h = (int) ((bottom - top) * counts[i] / (double) max);
            g.setColor(new Color(70, 110, 180));
            g.fillRect((int) (left + i * bw) + 1, bottom - h, (int) bw - 2, h);
            if (i % 5 == 0) {
                g.setColor(Color.BLACK);
                g.drawString(label(i * bucketMs), (int) (left + i * bw), bottom + 15);
            }
        }
        List<Long> sorted = new ArrayList<>(panel.micros());
        sorted.sort(null);
        marker(g, "p50", SwitchTimeline.pct(sorted, 50), bucketMs, left, bw, top, bottom, new Color(200, 120, 0));
        marker(g, "p99", SwitchTimeline.pct(sorted, 99), bucketMs, left, bw, top, bottom, new Color(190, 30, 30));
        g.setColor(Color.BLACK);
        g.drawString("ms (last bucket: ≥ " + label((BUCKETS - 1) * bucketMs) + ")", right - 150, bottom + 30);
        g.drawString(String.valueOf(max), x0 + 10, top + 5);
        g.drawString("0", x0 + 30, bottom);
    }

    /** A dashed line at a percentile, so the table's figures can be found in the picture. */
    private static void marker(Graphics2D g, String name, Long micros, double bucketMs, int left, double bw, int top,
            int bottom, Color color) {
        if (micros == null) {
            return;
        }
        double buckets = Math.min(BUCKETS, micros / 1000.0 / bucketMs);
        int x = (int) (left + buckets * bw);
        g.setColor(color);
        g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {4, 3}, 0));
        g.drawLine(x, top, x, bottom);
        g.setStroke(new BasicStroke(1));
        g.drawString(name + " " + label(micros / 1000.0), x + 3, name.equals("p50") ? top + 12 : top + 26);
    }

    private static String label(double ms) {
        return ms == Math.rint(ms) ? String.format("%.0f", ms) : String.format("%.1f", ms);
    }
}
