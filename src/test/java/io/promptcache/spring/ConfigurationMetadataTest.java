package io.promptcache.spring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promptcache.CachingModelBuilder;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        assertEquals(CachingModelBuilder.DEFAULT_SIMILARITY_THRESHOLD, byName.get("promptcache.semantic.threshold")
                .get("defaultValue").asDouble(), "the documented default is the shipped operating point");
        assertEquals(CachingModelBuilder.DEFAULT_TENANT, byName.get("promptcache.default-tenant").get("defaultValue").asText());
        assertEquals("24h", byName.get("promptcache.ttl").get("defaultValue").asText());
        assertEquals(CachingModelBuilder.DEFAULT_TTL, java.time.Duration.ofHours(24));
    }
}
