package com.example.agent;

import io.promptcache.spring.PromptCacheAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The auto-configuration is ordered after this Spring Boot generation's metrics and observation
 * auto-configurations: the names it gives must be classes on this application's class path (a name that is
 * not is silently ignored by Boot, which is how the ordering was lost on Boot 4 before).
 */
class AutoConfigurationOrderTest {

    @Test
    void theOrderingNamesThisGenerationsClasses() {
        List<String> after = Arrays.asList(PromptCacheAutoConfiguration.class.getAnnotation(AutoConfiguration.class).afterName());
        for (String concept : List.of(".MetricsAutoConfiguration", ".CompositeMeterRegistryAutoConfiguration",
                ".ObservationAutoConfiguration")) {
            assertTrue(after.stream().filter(n -> n.endsWith(concept)).anyMatch(AutoConfigurationOrderTest::present),
                    "ordered after this generation's " + concept.substring(1) + ": " + after);
        }
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, AutoConfigurationOrderTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
