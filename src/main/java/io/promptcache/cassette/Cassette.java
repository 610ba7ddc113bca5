package io.promptcache.cassette;

import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** What the blocking and the streaming cassette models share: the directory, the mode, the lookup and the miss. */
final class Cassette {

    /** A request about to be answered: its key, its description, and its recording if it is to be replayed. */
    record Lookup(String key, Map<String, Object> request, Optional<CassetteDirectory.Recording> replay) {
    }

    private final CassetteDirectory directory;
    private final CassetteMode mode;
    private final UnaryOperator<String> redactor;
    private final ChatRequestParameters modelParameters;

    Cassette(Path directory, CassetteMode configured, Function<String, String> redactor, ChatRequestParameters modelParameters,
             boolean hasDelegate) {
        Objects.requireNonNull(directory, "directory must be set: where the recordings are");
        this.directory = new CassetteDirectory(directory);
        CassetteMode given = configured == null ? CassetteMode.REPLAY : configured;
        // Without a model there is nothing to record with: the flag that asks for recording does not apply.
        this.mode = hasDelegate ? CassetteMode.resolve(given) : given;
        this.redactor = redactor == null ? s -> s : s -> s == null ? null : redactor.apply(s);
        this.modelParameters = modelParameters;
        if (mode != CassetteMode.REPLAY) {
            if (!hasDelegate) {
                throw new IllegalStateException("mode " + mode + " needs a delegate: the model whose answers are recorded");
            }
            writable(this.directory.path());
        }
    }

    private static void writable(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException | UnsupportedOperationException e) {
            throw new UncheckedIOException(new IOException("the cassette directory " + dir + " cannot be created for recording: "
                    + e.getMessage(), e instanceof IOException io ? io : null));
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalStateException("the cassette directory " + dir + " cannot be written: recording needs it");
        }
    }

    CassetteMode mode() {
        return mode;
    }

    Path directory() {
        return directory.path();
    }

    /** Finds the recording to replay, or says why there is none: a miss in REPLAY throws. */
    Lookup lookup(ChatRequest request) {
        String key = CassetteRequest.key(request);
        Map<String, Object> description = CassetteRequest.describe(request, modelParameters, redactor);
        // Read in every mode: a file that cannot be read fails here, and is never recorded over unnoticed.
        Optional<CassetteDirectory.Recording> recorded = directory.read(key);
        if (mode == CassetteMode.RECORD) {
            return new Lookup(key, description, Optional.empty());
        }
        if (recorded.isPresent() && sameModel(recorded.get().request(), description)) {
            return new Lookup(key, description, recorded);
        }
        if (mode == CassetteMode.REPLAY) {
            throw miss(key, description, recorded);
        }
        return new Lookup(key, description, Optional.empty());
    }

    void record(Lookup lookup, RecordedResponse response) {
        directory.write(lookup.key(), lookup.request(), response);
    }

    /** The model's configured parameters match the recording's, where both are known. */
    private static boolean sameModel(Map<String, Object> recorded, Map<String, Object> current) {
        return !recorded.containsKey("modelParameters") || !current.containsKey("modelParameters")
                || Objects.equals(recorded.get("modelParameters"), current.get("modelParameters"));
    }

    private CassetteMissException miss(String key, Map<String, Object> description,
                                       Optional<CassetteDirectory.Recording> sameKey) {
        CassetteDirectory.Recording nearest = sameKey.orElse(null);
        if (nearest == null) {
            long best = Long.MIN_VALUE;
            for (CassetteDirectory.Recording r : directory.all()) {
                long n = RequestDifference.nearness(r.request(), description);
                if (n > best) {
                    best = n;
                    nearest = r;
                }
            }
        }
        return new CassetteMissException(key, directory.path(), nearest == null ? null : nearest.file(),
                nearest == null ? null : RequestDifference.first(nearest.request(), description));
    }
}
