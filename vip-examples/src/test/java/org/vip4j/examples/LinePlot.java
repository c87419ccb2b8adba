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

/** Draws time series (one line per series, x in minutes) as side-by-side panels into a PNG, with the JDK alone. */
final class LinePlot {

    /** One series: a name for the legend and its points as {x, y}. */
    record Series(String name, List<double[]> points) {
    }

    /** One panel: a title, the unit of its y axis and its series. */
    record Panel(String title, String unit, List<Series> series) {
    }

    private static final int W = 420;
    private static final int H = 300;
    private static final Color[] COLORS = {new Color(70, 110, 180), new Color(200, 120, 0), new Color(40, 150, 70),
        new Color(190, 30, 30)};

    private LinePlot() {
    }

    static void write(Path png, List<Panel> panels) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W * panels.size(), H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int p = 0; p < panels.size(); p++) {
            draw(g, panels.get(p), p * W);
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static void draw(Graphics2D g, Panel panel, int x0) {
        int left = x0 + 55;
        int right = x0 + W - 15;
        int top = 40;
        int bottom = H - 45;
        double maxX = 1e-9;
        double minY = Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (Series s : panel.series()) {
            for (double[] pt : s.points()) {
                maxX = Math.max(maxX, pt[0]);
                minY = Math.min(minY, pt[1]);
                maxY = Math.max(maxY, pt[1]);
            }
        }
        if (minY > maxY) {
            minY = 0;
            maxY = 1;
        }
        // from zero, so that a flat line looks flat and a growth of 1 % does not fill the panel
        minY = Math.min(0, minY);
        maxY = maxY <= minY ? minY + 1 : maxY * 1.1;
        g.setColor(Color.BLACK);
        g.drawString(panel.title(), x0 + 15, 22);
        g.setStroke(new BasicStroke(1));
        g.drawLine(left, bottom, right, bottom);
        g.drawLine(left, top, left, bottom);
        g.drawString(label(maxY) + " " + panel.unit(), x0 + 5, top - 5);
        g.drawString(label(minY), x0 + 30, bottom);
        g.drawString("0", left, bottom + 15);
        g.drawString(label(maxX) + " min", right - 45, bottom + 15);
        int legend = 0;
        for (int i = 0; i < panel.series().size(); i++) {
            Series s = panel.series().get(i);
            g.setColor(COLORS[i % COLORS.length]);
            g.setStroke(new BasicStroke(2));
            int px = -1;
            int py = -1;
            for (double[] pt : s.points()) {
                int x = (int) (left + (right - left) * pt[0] / maxX);
                int y = (int) (bottom - (bottom - top) * (pt[1] - minY) / (maxY - minY));
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                g.fillOval(x - 2, y - 2, 4, 4);
                px = x;
                py = y;
            }
            g.drawString(s.name(), left + 10 + legend, bottom + 32);
            legend += 60;
        }
    }

    private static String label(double v) {
        return v == Math.rint(v) ? String.format("%.0f", v) : String.format("%.1f", v);
    }
}
