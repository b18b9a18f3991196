package io.prorl.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The request messages of MLflow's REST API 2.0 that the tracker sends, as declared in MLflow's
 * {@code service.proto} and {@code model_registry.proto} (field names, types, required fields, enum
 * values), plus the server-side limits MLflow enforces on log-batch. {@link #check} lists how a
 * request deviates; the stand-in refuses such requests with 400 and records them.
 */
final class MlflowRestSchema {
  private MlflowRestSchema() {}

  /** A protobuf field type in its JSON mapping. */
  sealed interface Type {}

  record Scalar(String kind) implements Type {}

  record Enum(Set<String> values) implements Type {}

  record Message(Map<String, Type> fields, Set<String> required) implements Type {}

  record Repeated(Type element) implements Type {}

  private static final Scalar STRING = new Scalar("string");
  private static final Scalar INT64 = new Scalar("int64");
  private static final Scalar INT32 = new Scalar("int32");
  private static final Scalar DOUBLE = new Scalar("double");

  private static Message kv() {
    return new Message(Map.of("key", STRING, "value", STRING), Set.of());
  }

  private static final Enum RUN_STATUS =
      new Enum(Set.of("RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"));
  private static final Enum VIEW_TYPE = new Enum(Set.of("ACTIVE_ONLY", "DELETED_ONLY", "ALL"));
  private static final Message METRIC =
      new Message(
          Map.of(
              "key", STRING,
              "value", DOUBLE,
              "timestamp", INT64,
              "step", INT64,
              "dataset_name", STRING,
              "dataset_digest", STRING,
              "model_id", STRING,
              "run_id", STRING),
          Set.of());

  /** "METHOD path" (under /api/2.0/mlflow/) -> the request message. */
  static final Map<String, Message> REQUESTS =
      Map.ofEntries(
          Map.entry(
              "GET experiments/get-by-name",
              new Message(Map.of("experiment_name", STRING), Set.of("experiment_name"))),
          Map.entry(
              "POST experiments/create",
              new Message(
                  Map.of("name", STRING, "artifact_location", STRING, "tags", new Repeated(kv())),
                  Set.of("name"))),
          Map.entry(
              "POST runs/create",
              new Message(
                  Map.of(
                      "experiment_id", STRING,
                      "user_id", STRING,
                      "run_name", STRING,
                      "start_time", INT64,
                      "tags", new Repeated(kv())),
                  Set.of())),
          Map.entry(
              "POST runs/update",
              new Message(
                  Map.of(
                      "run_id", STRING,
                      "run_uuid", STRING,
                      "status", RUN_STATUS,
                      "end_time", INT64,
                      "run_name", STRING),
                  Set.of())),
          Map.entry(
              "POST runs/log-batch",
              new Message(
                  Map.of(
                      "run_id", STRING,
                      "metrics", new Repeated(METRIC),
                      "params", new Repeated(kv()),
                      "tags", new Repeated(kv())),
                  Set.of())),
          Map.entry(
              "POST runs/search",
              new Message(
                  Map.of(
                      "experiment_ids", new Repeated(STRING),
                      "filter", STRING,
                      "run_view_type", VIEW_TYPE,
                      "max_results", INT32,
                      "order_by", new Repeated(STRING),
                      "page_token", STRING),
                  Set.of())),
          Map.entry(
              "GET metrics/get-history",
              new Message(
                  Map.of(
                      "run_id", STRING,
                      "run_uuid", STRING,
                      "metric_key", STRING,
                      "page_token", STRING,
                      "max_results", INT32),
                  Set.of("metric_key"))),
          Map.entry(
              "GET runs/get", new Message(Map.of("run_id", STRING, "run_uuid", STRING), Set.of())),
          Map.entry(
              "POST runs/set-tag",
              new Message(
                  Map.of("run_id", STRING, "run_uuid", STRING, "key", STRING, "value", STRING),
                  Set.of("key", "value"))),
          Map.entry(
              "GET registered-models/get", new Message(Map.of("name", STRING), Set.of("name"))),
          Map.entry(
              "POST registered-models/create",
              new Message(
                  Map.of("name", STRING, "tags", new Repeated(kv()), "description", STRING),
                  Set.of("name"))),
          Map.entry(
              "GET model-versions/search",
              new Message(
                  Map.of(
                      "filter", STRING,
                      "max_results", INT64,
                      "order_by", new Repeated(STRING),
                      "page_token", STRING),
                  Set.of())),
          Map.entry(
              "POST model-versions/create",
              new Message(
                  Map.of(
                      "name", STRING,
                      "source", STRING,
                      "run_id", STRING,
                      "tags", new Repeated(kv()),
                      "run_link", STRING,
                      "description", STRING),
                  Set.of("name", "source"))));

  /** How {@code body} deviates from the message; empty when it conforms. */
  static List<String> check(String where, Message message, JsonNode body) {
    List<String> out = new ArrayList<>();
    checkMessage(where, message, body, out);
    return out;
  }

  private static void checkMessage(String where, Message m, JsonNode node, List<String> out) {
    if (!node.isObject()) {
      out.add(where + ": expected an object, got " + node.getNodeType());
      return;
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      Type t = m.fields().get(e.getKey());
      if (t == null) {
        out.add(where + ": unknown field '" + e.getKey() + "'");
      } else {
        checkValue(where + "." + e.getKey(), t, e.getValue(), out);
      }
    }
    for (String r : m.required()) {
      if (!node.has(r) || node.get(r).isNull()) {
        out.add(where + ": required field '" + r + "' missing");
      }
    }
  }

  private static void checkValue(String where, Type t, JsonNode v, List<String> out) {
    switch (t) {
      case Repeated r -> {
        if (!v.isArray()) {
          out.add(where + ": expected an array");
        } else {
          for (int i = 0; i < v.size(); i++) {
            checkValue(where + "[" + i + "]", r.element(), v.get(i), out);
          }
        }
      }
      case Message m -> checkMessage(where, m, v, out);
      case Enum e -> {
        if (!v.isString() || !e.values().contains(v.asString())) {
          out.add(where + ": not one of " + e.values() + ": " + v);
        }
      }
      case Scalar s -> {
        boolean ok =
            switch (s.kind()) {
              case "string" -> v.isString();
              // protobuf JSON: 64-bit integers as strings or numbers
              case "int64", "int32" ->
                  v.isIntegralNumber() || (v.isString() && v.asString().matches("-?\\d+"));
              case "double" ->
                  v.isNumber()
                      || (v.isString()
                          && Set.of("NaN", "Infinity", "-Infinity").contains(v.asString()));
              default -> false;
            };
        if (!ok) {
          out.add(where + ": expected " + s.kind() + ", got " + v);
        }
      }
    }
  }
}
