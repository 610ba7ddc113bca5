package io.promptcache.quality;

import io.promptcache.semantic.MatchCandidate;
import io.promptcache.semantic.TokenEncoder;
import io.promptcache.semantic.VerifierChain;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QualityBenchTest {

    static final Path TINY = Path.of("src/test/resources/quality/tiny-pairs.tsv");

    @Test
    void ratesAreCountedFromTheDecisions() {
        List<PairFeatures> f = List.of(
                new PairFeatures(true, 0.99, true, true, 0.95, "zh"),    // paraphrase, served
                new PairFeatures(true, 0.80, true, true, 0.95, "zh"),    // paraphrase, below threshold
                new PairFeatures(false, 0.99, false, true, 0.95, "zh"),  // near miss, blocked by the lexical guard
                new PairFeatures(false, 0.99, true, true, 0.99, "zh"),   // near miss, served: a wrong answer
                new PairFeatures(false, 0.97, true, true, 0.50, "zh"));  // near miss, blocked by the alignment
        OperatingPoint p = new OperatingPoint(0.9, true, true, 0.9, 1.01);
        Rates r = Rates.of(f, p);
        assertEquals(5, r.pairs());
        assertEquals(2, r.paraphrases());
        assertEquals(1, r.paraphraseServed());
        assertEquals(3, r.nearMisses());
        assertEquals(1, r.nearMissServed());
        assertEquals(0.5, r.paraphraseRate());
        assertEquals(1 / 3.0, r.nearMissAccepted(), 1e-12);
        Rates plain = Rates.of(f, OperatingPoint.plainCosine(0.9));
        assertEquals(3, plain.nearMissServed());
    }

    @Test
    void theTinyFixtureGivesTheRatesItsLabelsDemand() throws Exception {
        List<LabelledPair> pairs = LabelledPair.read(TINY);
        List<PairFeatures> features = FeatureExtractor.inProcess(io.promptcache.embedding.InProcessModel.BGE_SMALL_ZH).extract(pairs, i -> { });
        Rates r = Rates.of(features, OperatingPoint.DEFAULT);
        assertEquals(6, r.pairs());
        assertEquals(2, r.paraphrases());
        assertEquals(4, r.nearMisses());
        assertEquals(0, r.nearMissServed(), "none of the fixture's near misses is served");
        assertEquals(2, r.paraphraseServed(), "both of its paraphrases are");
    }

    @Test
    void featureDecisionsAgreeWithTheVerifierChainTheCacheRuns() throws Exception {
        List<LabelledPair> pairs = LabelledPair.read(TINY);
        FeatureExtractor extractor = FeatureExtractor.inProcess(io.promptcache.embedding.InProcessModel.BGE_SMALL_ZH);
        VerifierChain chain = new VerifierChain(OperatingPoint.DEFAULT.verifiers(TokenEncoder.inProcess()));
        for (LabelledPair p : pairs) {
            PairFeatures f = extractor.extract(p);
            boolean cache = f.cosine() >= OperatingPoint.DEFAULT.threshold()
                    && chain.verify(new MatchCandidate("e", p.asked(), p.stored(), f.cosine(), 0)).accepted();
            assertEquals(cache, OperatingPoint.DEFAULT.serves(f), p.toString());
        }
    }

    @Test
    void theRoutedDefaultScoresEachPairInTheSpaceTheCacheWouldSearch() {
        FeatureExtractor routed = FeatureExtractor.routed();
        PairFeatures english = routed.extract(new LabelledPair("How do I reset my password?", "How can I reset my password?", true));
        assertEquals("en", english.space());
        PairFeatures chinese = routed.extract(new LabelledPair("什么是大模型？", "大模型是什么？", true));
        assertEquals("zh", chinese.space());
        PairFeatures across = routed.extract(new LabelledPair("什么是大模型？", "What is a large language model?", true));
        assertEquals(PairFeatures.NO_SPACE, across.space(), "two models: never compared");
        PairFeatures digits = routed.extract(new LabelledPair("12345", "12345", true));
        assertEquals(PairFeatures.NO_SPACE, digits.space(), "no letters: no semantic tier");

        // Each space at its own shipped point; a pair that cannot match is never served, whatever the point.
        Rates r = Rates.of(List.of(english, chinese, across, digits), OperatingPoint::shipped);
        assertEquals(2, r.paraphraseServed());
        assertEquals(0, Rates.of(List.of(across, digits), space -> OperatingPoint.plainCosine(0.01)).paraphraseServed());

        // calibrate chooses a point per space, on the pairs searched in it.
        var bySpace = Calibration.bySpace(java.util.Map.of("mixed", List.of(english, chinese, across, digits)), 1);
        assertEquals(java.util.Set.of("en", "zh"), bySpace.keySet());
        assertEquals(List.of(english), bySpace.get("en").get("mixed"));
    }

    @Test
    void aMalformedLineIsAClearError(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.tsv");
        java.nio.file.Files.writeString(bad, "a\tb\t1\nonly two\tfields\n");
        Exception e = assertThrows(java.io.IOException.class, () -> LabelledPair.read(bad));
        assertTrue(e.getMessage().contains("line 2"));
    }

    @Test
    void calibrationKeepsEveryFileWithinTheBound() {
        List<PairFeatures> file = List.of(
                new PairFeatures(true, 0.99, true, true, 0.99, "zh"), new PairFeatures(true, 0.95, true, true, 0.97, "zh"),
                new PairFeatures(false, 0.96, true, true, 0.80, "zh"), new PairFeatures(false, 0.93, true, true, 0.99, "zh"));
        Calibration.Result best = Calibration.best(java.util.Map.of("f", file), 0.0);
        assertEquals(0, best.rates().get("f").nearMissServed());
        assertEquals(2, best.rates().get("f").paraphraseServed());
    }
}
