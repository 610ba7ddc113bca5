package io.promptcache.spring;

import io.promptcache.quality.OperatingPoint;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptcache.CachingModelBuilder;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generated metadata IDEs read: every property documented, and defaults that match the code's. */
class ConfigurationMetadataTest {

    @Test
    void everyPropertyIsDescribedAndTheDefaultsAreTheCodes() throws Exception {
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            metadata = new ObjectMapper().readTree(in);
        }
        Map<String, JsonNode> byName = new HashMap<>();
        metadata.get("properties").forEach(p -> byName.put(p.get("name").asText(), p));
        for (String name : new String[]{"promptcache.enabled", "promptcache.store.url", "promptcache.ttl",
                "promptcache.max-entries-per-tenant", "promptcache.semantic.enabled", "promptcache.semantic.threshold",
                "promptcache.embedding.provider", "promptcache.embedding.ollama.base-url",
                "promptcache.embedding.ollama.model-name", "promptcache.per-user-isolation", "promptcache.default-tenant",
                "promptcache.canonical-layout", "promptcache.exclude"}) {
            assertTrue(byName.containsKey(name), name);
            assertTrue(byName.get(name).has("description"), "described: " + name);
        }
        // Unset, each model runs at its own calibrated threshold; the description gives both.
        JsonNode threshold = byName.get("promptcache.semantic.threshold");
        assertFalse(threshold.has("defaultValue"), "no single default: one threshold per model");
        assertTrue(threshold.get("description").asText().contains(String.valueOf(OperatingPoint.DEFAULT.threshold())));
        assertTrue(threshold.get("description").asText().contains(String.valueOf(OperatingPoint.ENGLISH.threshold())));
        assertEquals(CachingModelBuilder.DEFAULT_TENANT, byName.get("promptcache.default-tenant").get("defaultValue").asText());
        assertEquals("24h", byName.get("promptcache.ttl").get("defaultValue").asText());
        assertEquals(CachingModelBuilder.DEFAULT_TTL, java.time.Duration.ofHours(24));
    }
}
