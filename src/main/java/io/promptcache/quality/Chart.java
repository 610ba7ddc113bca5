package io.promptcache.quality;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A PNG of near-miss acceptance and paraphrases served by plain cosine across thresholds, per file,
 * with the shipped operating point (threshold and verifiers) marked on each file's curves.
 */
public final class Chart {

    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b), new Color(0x17becf)};
    private static final int W = 1100;
    private static final int H = 700;
    private static final int LEFT = 80;
    private static final int RIGHT = 380;
    private static final int TOP = 60;
    private static final int BOTTOM = 70;

    private Chart() {
    }

    /**
     * @param curves   file name to features
     * @param points   the shipped operating point of each vector space; each file is marked at the point of
     *                 the space most of its pairs are searched in
     * @param from     lowest threshold drawn
     * @param to       highest threshold drawn
     */
    public static void write(Path out, Map<String, List<PairFeatures>> curves,
                             java.util.function.Function<String, OperatingPoint> points, double from, double to)
            throws IOException {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        g.setColor(new Color(0xdddddd));
        for (int i = 0; i <= 10; i++) {
            int y = TOP + ph - i * ph / 10;
            g.drawLine(LEFT, y, LEFT + pw, y);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, pw, ph);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i <= 10; i++) {
            int y = TOP + ph - i * ph / 10;
            g.drawString(String.format("%.1f", i / 10.0), LEFT - 35, y + 4);
        }
        int steps = 8;
        for (int i = 0; i <= steps; i++) {
            double t = from + (to - from) * i / steps;
            int x = LEFT + (int) (pw * (t - from) / (to - from));
            g.drawString(String.format("%.3f", t), x - 16, TOP + ph + 18);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString("Plain cosine by threshold (solid: paraphrases served, dashed: near misses accepted);"
                + " dots: the shipped point", LEFT, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString("cosine threshold", LEFT + pw / 2 - 50, H - 25);

        // the shipped threshold of each space drawn
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[]{2, 4}, 0));
        java.util.Map<Double, java.util.Set<String>> thresholds = new java.util.TreeMap<>();
        curves.values().forEach(f -> {
            String space = mainSpace(f);
            thresholds.computeIfAbsent(points.apply(space).threshold(), t -> new java.util.TreeSet<>()).add(space);
        });
        int labelY = TOP + 14;
        for (Map.Entry<Double, java.util.Set<String>> t : thresholds.entrySet()) {
            int x = LEFT + (int) (pw * (t.getKey() - from) / (to - from));
            g.drawLine(x, TOP, x, TOP + ph);
            g.drawString("shipped " + String.format("%.3f", t.getKey()) + " (" + String.join(", ", t.getValue()) + ")",
                    x + 4, labelY);
            labelY += 16;
        }
        int bound = TOP + ph - (int) (ph * 0.02);
        g.drawLine(LEFT, bound, LEFT + pw, bound);
        g.drawString("2%", LEFT + pw + 4, bound + 4);

        int c = 0;
        int legendY = TOP + 10;
        for (Map.Entry<String, List<PairFeatures>> e : curves.entrySet()) {
            Color color = COLORS[c++ % COLORS.length];
            int n = 120;
            int[] xs = new int[n + 1];
            int[] para = new int[n + 1];
            int[] near = new int[n + 1];
            for (int i = 0; i <= n; i++) {
                double t = from + (to - from) * i / n;
                Rates r = Rates.of(e.getValue(), OperatingPoint.plainCosine(t));
                xs[i] = LEFT + pw * i / n;
                para[i] = TOP + ph - (int) (ph * r.paraphraseRate());
                near[i] = TOP + ph - (int) (ph * r.nearMissAccepted());
            }
            g.setColor(color);
            g.setStroke(new BasicStroke(2.2f));
            g.drawPolyline(xs, para, n + 1);
            g.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[]{7, 5}, 0));
            g.drawPolyline(xs, near, n + 1);
            OperatingPoint point = points.apply(mainSpace(e.getValue()));
            int sx = LEFT + (int) (pw * (point.threshold() - from) / (to - from));
            Rates at = Rates.of(e.getValue(), points);
            g.fillOval(sx - 5, TOP + ph - (int) (ph * at.paraphraseRate()) - 5, 10, 10);
            g.drawOval(sx - 5, TOP + ph - (int) (ph * at.nearMissAccepted()) - 5, 10, 10);
            g.setStroke(new BasicStroke(3f));
            g.drawLine(LEFT + pw + 20, legendY, LEFT + pw + 45, legendY);
            g.setColor(Color.BLACK);
            g.drawString(String.format("%s  %.3f / %.3f", e.getKey(), at.nearMissAccepted(), at.paraphraseRate()),
                    LEFT + pw + 52, legendY + 4);
            legendY += 22;
        }
        g.setColor(Color.DARK_GRAY);
        g.drawString("at the shipped point: near-miss / paraphrase", LEFT + pw + 20, legendY + 10);
        g.dispose();
        ImageIO.write(img, "png", out.toFile());
    }

    /** The space most of a file's pairs are searched in. */
    public static String mainSpace(List<PairFeatures> features) {
        return features.stream().filter(PairFeatures::matchable)
                .collect(java.util.stream.Collectors.groupingBy(PairFeatures::space, java.util.TreeMap::new,
                        java.util.stream.Collectors.counting()))
                .entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(PairFeatures.NO_SPACE);
    }
}
