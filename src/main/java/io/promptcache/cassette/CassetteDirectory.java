package io.promptcache.cassette;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.promptcache.key.CanonicalJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A directory of recordings: one pretty-printed JSON file per request, {@code <key>.json}, with a format
 * version, the key, the request as text for people, and the whole response. Writes go to a temporary file in
 * the same directory and are moved into place in one step, so tests running in parallel never leave a
 * half-written file. A file that cannot be read fails with its path and why, never as a miss.
 */
final class CassetteDirectory {

    /** The format this version writes and reads. */
    static final int FORMAT = 1;

    private static final ObjectWriter WRITER = CanonicalJson.mapper().writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    /** One recorded request and its response. */
    record Recording(Path file, String key, Map<String, Object> request, RecordedResponse response) {
    }

    private final Path dir;

    CassetteDirectory(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    Path path() {
        return dir;
    }

    Path fileOf(String key) {
        return dir.resolve(key + ".json");
    }

    /** The recording of {@code key}, or empty when there is none. */
    Optional<Recording> read(String key) {
        Path file = fileOf(key);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Recording r = parse(file);
        if (!r.key().equals(key)) {
            throw new CassetteFormatException(file, "it records key " + r.key() + " under the name of " + key, null);
        }
        return Optional.of(r);
    }

    /** Writes a recording in one step: a reader sees the old file or the new one, never a part. */
    void write(String key, Map<String, Object> request, RecordedResponse response) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", FORMAT);
        doc.put("key", key);
        doc.put("request", request);
        doc.put("response", response);
        Path target = fileOf(key);
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".recording-", ".tmp");
            try {
                Files.write(tmp, (WRITER.writeValueAsString(doc) + "\n").getBytes(StandardCharsets.UTF_8));
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the recording " + target + ": " + e.getMessage(), e);
        }
    }

    /** Every recording of the directory (none when it does not exist); a file that cannot be read fails. */
    List<Recording> all() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Recording> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                out.add(parse(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the cassette directory " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Recording parse(Path file) {
        JsonNode doc;
        try {
            doc = CanonicalJson.mapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CassetteFormatException(file, "it is not complete JSON (" + firstLine(e.getMessage()) + ")", e);
        }
        if (doc == null || !doc.isObject()) {
            throw new CassetteFormatException(file, "it is empty or not a JSON object", null);
        }
        if (!doc.path("format").isInt()) {
            throw new CassetteFormatException(file, "it has no format version", null);
        }
        int format = doc.get("format").asInt();
        if (format != FORMAT) {
            throw new CassetteFormatException(file, "its format version " + format + " is not the one this PromptCache reads ("
                    + FORMAT + ")", null);
        }
        if (!doc.path("key").isTextual() || !doc.path("request").isObject() || !doc.path("response").isObject()) {
            throw new CassetteFormatException(file, "it lacks its key, request or response", null);
        }
        try {
            Map<String, Object> request = CanonicalJson.mapper().convertValue(doc.get("request"), LinkedHashMap.class);
            RecordedResponse response = CanonicalJson.mapper().treeToValue(doc.get("response"), RecordedResponse.class);
            return new Recording(file, doc.get("key").asText(), request, response);
        } catch (IOException | IllegalArgumentException e) {
            throw new CassetteFormatException(file, "its response cannot be read (" + firstLine(e.getMessage()) + ")", e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no detail";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
