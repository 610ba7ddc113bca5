package io.promptcache.quality;

import io.promptcache.key.Sha256;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Features of a pairs file, kept under the system temp directory (never in the repository) keyed by
 * the file's SHA-256, the embedder and the verifiers' version, so {@code calibrate} after
 * {@code bench quality} does not embed everything again.
 */
public final class FeatureCache {

    /** Bump when the model's features (cosine, alignment) change; the guards are recomputed on every load. */
    static final String VERSION = "features-v4";

    private final Path dir;

    public FeatureCache(Path dir) {
        this.dir = dir;
    }

    public static FeatureCache inTempDir() {
        return new FeatureCache(Path.of(System.getProperty("java.io.tmpdir"), "promptcache-quality"));
    }

    public Path fileFor(Path pairs, String embedder) throws IOException {
        String content;
        try {
            content = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(pairs)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return dir.resolve(Sha256.hex(VERSION + "|" + embedder + "|" + content) + ".tsv");
    }

    public List<PairFeatures> read(Path pairs, String embedder) throws IOException {
        Path f = fileFor(pairs, embedder);
        if (!Files.exists(f)) {
            return null;
        }
        List<PairFeatures> out = new ArrayList<>();
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            String[] p = line.split("\t");
            out.add(new PairFeatures(p[0].equals("1"), Double.parseDouble(p[1]), p[2].equals("1"), p[3].equals("1"),
                    Double.parseDouble(p[4]), p[5]));
        }
        return out;
    }

    public void write(Path pairs, String embedder, List<PairFeatures> features) throws IOException {
        Files.createDirectories(dir);
        Path f = fileFor(pairs, embedder);
        Path tmp = Files.createTempFile(dir, "features", ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            for (PairFeatures x : features) {
                w.write((x.same() ? "1" : "0") + "\t" + x.cosine() + "\t" + (x.lexicalOk() ? "1" : "0") + "\t"
                        + (x.contextOk() ? "1" : "0") + "\t" + x.alignment() + "\t" + x.space() + "\n");
            }
        }
        Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Loads from the cache or extracts (with a progress bar on stderr) and caches. */
    public static List<PairFeatures> load(Path pairsFile, FeatureExtractor extractor, String embedderId, boolean useCache)
            throws IOException {
        FeatureCache cache = inTempDir();
        List<LabelledPair> pairs = LabelledPair.read(pairsFile);
        if (useCache) {
            List<PairFeatures> cached = cache.read(pairsFile, embedderId);
            if (cached != null && cached.size() == pairs.size()) {
                // The model's numbers come from the cache; the guards are cheap and always run afresh.
                List<PairFeatures> out = new ArrayList<>(cached.size());
                for (int i = 0; i < cached.size(); i++) {
                    PairFeatures c = cached.get(i);
                    out.add(extractor.withGuards(pairs.get(i), c.cosine(), c.alignment(), c.space()));
                }
                return out;
            }
        }
        ProgressBar progress = new ProgressBar("embedding", pairsFile.getFileName().toString(), pairs.size());
        List<PairFeatures> features = extractor.extract(pairs, progress::update);
        progress.done();
        if (useCache) {
            cache.write(pairsFile, embedderId, features);
        }
        return features;
    }
}
