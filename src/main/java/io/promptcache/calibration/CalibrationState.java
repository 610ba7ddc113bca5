package io.promptcache.calibration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;

/**
 * What every instance of an application serves a vector space with, kept in the store beside the judged
 * pairs. The model and dimension it was learnt for travel with it: a state of another model is discarded.
 *
 * @param model      the embedder it was learnt for
 * @param dimension  its vector size (-1 when not known yet)
 * @param phase      shadow or serving
 * @param threshold  the served threshold, NaN in shadow
 * @param bound      the bound on the wrong share at the threshold (1 in shadow)
 * @param judged     judged pairs the choice was made on (all of them, of any cosine)
 * @param judgedWrong of those, the ones judged or reported wrong
 * @param judgeCalls judge calls made, successful or not, by every instance
 * @param updatedAt  epoch millis of the last change
 */
public record CalibrationState(String model, int dimension, CalibrationPhase phase, double threshold, double bound,
                               int judged, int judgedWrong, long judgeCalls, long updatedAt) {

    static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    public CalibrationState {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(phase, "phase");
        if (phase == CalibrationPhase.SERVING && !(threshold >= -1 && threshold <= 1.0001)) {
            throw new IllegalArgumentException("a serving state needs a threshold in [-1, 1]");
        }
    }

    public static CalibrationState shadow(String model, int dimension) {
        return new CalibrationState(model, dimension, CalibrationPhase.SHADOW, Double.NaN, 1, 0, 0, 0, 0);
    }

    public boolean serving() {
        return phase == CalibrationPhase.SERVING;
    }

    /** The estimated share of wrong answers among judged pairs (not the bound); 0 when none. */
    public double observedWrongShare() {
        return judged == 0 ? 0 : (double) judgedWrong / judged;
    }

    public String toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT);
        n.put("model", model);
        n.put("dimension", dimension);
        n.put("phase", phase.name());
        if (!Double.isNaN(threshold)) {
            n.put("threshold", threshold);
        }
        n.put("bound", bound);
        n.put("judged", judged);
        n.put("judgedWrong", judgedWrong);
        n.put("judgeCalls", judgeCalls);
        n.put("updatedAt", updatedAt);
        return n.toString();
    }

    /** Parses {@link #toJson()}; throws {@link IllegalArgumentException} for anything else. */
    public static CalibrationState fromJson(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject() || n.path("format").asInt() != FORMAT || !n.path("model").isTextual()) {
                throw new IllegalArgumentException("not a calibration state of format " + FORMAT);
            }
            CalibrationPhase phase = CalibrationPhase.valueOf(n.path("phase").asText());
            double threshold = n.has("threshold") ? n.get("threshold").asDouble() : Double.NaN;
            return new CalibrationState(n.get("model").asText(), n.path("dimension").asInt(-1), phase, threshold,
                    n.path("bound").asDouble(1), n.path("judged").asInt(), n.path("judgedWrong").asInt(),
                    n.path("judgeCalls").asLong(), n.path("updatedAt").asLong());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("calibration state is not JSON", e);
        }
    }
}
