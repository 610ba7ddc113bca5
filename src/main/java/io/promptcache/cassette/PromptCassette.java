package io.promptcache.cassette;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Records and replays a JUnit 5 test's model calls. Give the test a {@link CassetteModels} parameter, or a field
 * of that type, and wrap its models with it:
 *
 * <pre>{@code
 * @PromptCassette
 * class MyAgentTest {
 *     @Test
 *     void answers(CassetteModels cassettes) {
 *         ChatModel model = cassettes.wrap(OpenAiChatModel.builder()...build());
 *         ...
 *     }
 * }
 * }</pre>
 *
 * On a method it overrides the class's. CI replays; {@code -Dpromptcache.cassette.mode=record} re-records.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(PromptCassetteExtension.class)
public @interface PromptCassette {

    /**
     * The directory of the recordings, relative to the working directory (the project's, under Maven); by default
     * {@code src/test/resources/cassettes/<test class's simple name>/<test method>}.
     */
    String value() default "";

    /** The mode unless the system property or environment variable says otherwise; REPLAY by default. */
    CassetteMode mode() default CassetteMode.REPLAY;
}
