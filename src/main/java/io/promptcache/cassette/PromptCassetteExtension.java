package io.promptcache.cassette;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The JUnit 5 extension behind {@link PromptCassette}: resolves {@link CassetteModels} parameters and fills
 * non-static fields of that type before each test, with the directory and mode of the nearest annotation.
 */
public final class PromptCassetteExtension implements ParameterResolver, BeforeEachCallback {

    static final String DEFAULT_ROOT = "src/test/resources/cassettes";

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == CassetteModels.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return models(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IllegalAccessException {
        Object instance = context.getRequiredTestInstance();
        for (Class<?> c = instance.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getType() == CassetteModels.class && !Modifier.isStatic(f.getModifiers())) {
                    f.setAccessible(true);
                    f.set(instance, models(context));
                }
            }
        }
    }

    static CassetteModels models(ExtensionContext context) {
        Optional<PromptCassette> onMethod = context.getTestMethod().map(m -> m.getAnnotation(PromptCassette.class));
        PromptCassette annotation = onMethod.orElseGet(() -> context.getRequiredTestClass().getAnnotation(PromptCassette.class));
        String directory = annotation != null && !annotation.value().isBlank() ? annotation.value()
                : DEFAULT_ROOT + "/" + context.getRequiredTestClass().getSimpleName() + "/"
                + context.getTestMethod().map(java.lang.reflect.Method::getName).orElse("class");
        return new CassetteModels(Path.of(directory), annotation == null ? CassetteMode.REPLAY : annotation.mode());
    }
}
