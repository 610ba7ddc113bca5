package io.promptcache.spring;

/**
 * The health component {@code promptcache} in each Spring Boot generation's health API: Boot 3's
 * {@code org.springframework.boot.actuate.health} and Boot 4's {@code org.springframework.boot.health.contributor}.
 * Each adapter is loaded only where its interface exists (see {@link PromptCacheHealthAutoConfiguration}).
 */
final class PromptCacheHealthIndicators {

    private PromptCacheHealthIndicators() {
    }

    /** Spring Boot 3.x. */
    static final class Boot3 implements org.springframework.boot.actuate.health.HealthIndicator {
        private final PromptCacheHealth health;

        Boot3(PromptCacheHealth health) {
            this.health = health;
        }

        @Override
        public org.springframework.boot.actuate.health.Health health() {
            PromptCacheHealth.Report r = health.report();
            return (r.outOfService() ? org.springframework.boot.actuate.health.Health.outOfService()
                    : org.springframework.boot.actuate.health.Health.up()).withDetails(r.details()).build();
        }
    }

    /** Spring Boot 4.x. */
    static final class Boot4 implements org.springframework.boot.health.contributor.HealthIndicator {
        private final PromptCacheHealth health;

        Boot4(PromptCacheHealth health) {
            this.health = health;
        }

        @Override
        public org.springframework.boot.health.contributor.Health health() {
            PromptCacheHealth.Report r = health.report();
            return (r.outOfService() ? org.springframework.boot.health.contributor.Health.outOfService()
                    : org.springframework.boot.health.contributor.Health.up()).withDetails(r.details()).build();
        }
    }
}
