package org.vip4j.examples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** Draws latency distributions as side-by-side histograms into a PNG, with the JDK alone (headless AWT). */
final class Histogram {

    /** One panel: a title and values in microseconds. */
    record Panel(String title, List<Long> micros, double bucketMs) {
    }

    private static final int W = 480;
    private static final int H = 320;

    private Histogram() {
    }

    static void write(Path png, List<Panel> panels) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W * panels.size(), H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), H);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int p = 0; p < panels.size(); p++) {
            draw(g, panels.get(p), p * W);
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static void draw(Graphics2D g, Panel panel, int x0) {
        int left = x0 + 50;
        int right = x0 + W - 20;
        int top = 40;
        int bottom = H - 40;
        int buckets = 20;
        int[] counts = new int[buckets];
        for (long v : panel.micros()) {
            int b = (int) Math.min(buckets - 1, v / 1000.0 / panel.bucketMs());
            counts[b]++;
        }
        int max = 1;
        for (int c : counts) {
            max = Math.max(max, c);
        }
        g.setColor(Color.BLACK);
        g.drawString(panel.title() + " (n=" + panel.micros().size() + ")", x0 + 20, 22);
        g.setStroke(new BasicStroke(1));
        g.drawLine(left, bottom, right, bottom);
        g.drawLine(left, top, left, bottom);
        double bw = (right - left) / (double) buckets;
        for (int i = 0; i < buckets; i++) {
            int h = (int) ((bottom - top) * counts[i] / (double) max);
            g.setColor(new Color(70, 110, 180));
            g.fillRect((int) (left + i * bw) + 1, bottom - h, (int) bw - 2, h);
            if (i % 5 == 0) {
                g.setColor(Color.BLACK);
                g.drawString(String.format("%.0f", i * panel.bucketMs()), (int) (left + i * bw), bottom + 15);
            }
        }
        g.setColor(Color.BLACK);
        g.drawString("ms (last bucket: ≥ " + String.format("%.0f", (buckets - 1) * panel.bucketMs()) + ")",
                right - 150, bottom + 30);
        g.drawString(String.valueOf(max), x0 + 10, top + 5);
        g.drawString("0", x0 + 30, bottom);
    }
}
