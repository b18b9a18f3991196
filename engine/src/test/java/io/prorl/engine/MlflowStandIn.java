package io.prorl.engine;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A protocol-level stand-in for an MLflow tracking server (none can be installed here: MLflow comes
 * from PyPI). It serves the REST endpoints the tracker uses under {@code /api/2.0/mlflow/}, checks
 * every request against MLflow's REST API ({@link MlflowRestSchema}: field names, types, required
 * fields, enums) and the rules the real server enforces (unknown run or experiment, batch limits,
 * metric, param and tag key rules, param immutability, value lengths, model-version sources on the
 * server's file system), serves the {@code mlflow-artifacts} proxy, answers in MLflow's JSON, and
 * keeps the state for tests to assert. It can play an outage (refusing connections when stopped,
 * 503 to everything), one call failing for good, and refused credentials.
 */
public final class MlflowStandIn implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String PREFIX = "/api/2.0/mlflow/";
  private static final String PROXY_PREFIX = "/api/2.0/mlflow-artifacts/artifacts/";
  private static final int MAX_MODEL_VERSION_TAG_VALUE = 5000;
  private static final Pattern METRIC_KEY = Pattern.compile("^[/\\w.\\- :]*$");
  private static final Pattern TAG_FILTER =
      Pattern.compile("tags\\.(?:`([^`]+)`|\"([^\"]+)\"|([\\w.]+))\\s*=\\s*'([^']*)'");

  /** A metric value as stored. */
  public record Point(double value, long timestamp, long step) {}

  /** A run as stored. */
  public static final class Run {
    public final String id;
    public final String experimentId;
    public final String name;
    public final long startTime;
    public final String artifactUri;
    public volatile String status = "RUNNING";
    public volatile Long endTime;
    public final Map<String, String> tags = new LinkedHashMap<>();
    public final Map<String, String> params = new LinkedHashMap<>();
    public final Map<String, List<Point>> metrics = new LinkedHashMap<>();

    Run(String id, String experimentId, String name, long startTime, String artifactUri) {
      this.id = id;
      this.experimentId = experimentId;
      this.name = name;
      this.startTime = startTime;
      this.artifactUri = artifactUri;
    }
  }

  /** A model version as stored. */
  public record ModelVersion(
      String name, String version, String source, String runId, Map<String, String> tags) {}

  private int port;
  private volatile String artifactRoot;
  private final Map<String, byte[]> proxied = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, Integer> lastingFailures =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile String requiredToken;
  private volatile java.util.concurrent.CountDownLatch held;
  private volatile long delayMillis;
  private final Map<String, String> experiments = new LinkedHashMap<>();
  private final Map<String, Run> runs = new LinkedHashMap<>();
  private final Map<String, List<ModelVersion>> models = new LinkedHashMap<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile boolean answering503;
  private final Map<String, Integer> plannedRefusals =
      new java.util.concurrent.ConcurrentHashMap<>();
  private HttpServer server;

  private MlflowStandIn(int port, String artifactRoot) {
    this.port = port;
    this.artifactRoot = artifactRoot.replaceAll("/+$", "");
  }

  /**
   * A stand-in on 127.0.0.1:{@code port}, not yet listening ({@link #start()}): a tracker pointed
   * at it meets a server that is down.
   *
   * @param artifactRoot where runs' artifact locations are placed, e.g. s3://bucket/mlflow
   */
  public static MlflowStandIn onPort(int port, String artifactRoot) {
    return new MlflowStandIn(port, artifactRoot);
  }

  /** A stand-in already listening on a free port. */
  public static MlflowStandIn start(String artifactRoot) throws IOException {
    MlflowStandIn s = new MlflowStandIn(0, artifactRoot);
    s.start();
    return s;
  }

  public synchronized MlflowStandIn start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext("/", this::handle);
    server.start();
    port = server.getAddress().getPort(); // a restart comes back on the same port
    return this;
  }

  /** Stops listening: connections are refused until {@link #start()}. State is kept. */
  public synchronized void stop() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  /**
   * The next {@code times} requests to {@code endpoint} ("METHOD path", e.g. "POST runs/create")
   * are refused with 400, as a server rejecting a request would (not recorded as violations).
   */
  public void refuseNext(String endpoint, int times) {
    plannedRefusals.put(endpoint, times);
  }

  /**
   * Every request to {@code endpoint} ("METHOD path" under {@code /api/2.0/mlflow/}, or {@code "PUT
   * mlflow-artifacts"} for the artifact proxy) is answered {@code status} until cleared with 0: a
   * server that fails one kind of call and answers the rest (e.g. {@code --no-serve-artifacts}).
   */
  public void failAlways(String endpoint, int status) {
    if (status == 0) {
      lastingFailures.remove(endpoint);
    } else {
      lastingFailures.put(endpoint, status);
    }
  }

  /** Answers wait until {@link #releaseAnswers()}: a server that has stopped answering. */
  public void holdAnswers() {
    held = new java.util.concurrent.CountDownLatch(1);
  }

  public void releaseAnswers() {
    java.util.concurrent.CountDownLatch h = held;
    held = null;
    if (h != null) {
      h.countDown();
    }
  }

  /** Every answer comes this much later: a slow server. */
  public void delayAnswers(Duration delay) {
    delayMillis = delay.toMillis();
  }

  /** Requests without {@code Authorization: Bearer <token>} are answered 401 (null: no check). */
  public void requireToken(String token) {
    requiredToken = token;
  }

  /**
   * Runs created from now on get an artifact location served by this stand-in's artifact proxy, as
   * a default {@code mlflow server} hands out: {@code mlflow-artifacts://127.0.0.1:<port>/...} with
   * {@code withAuthority}, else {@code mlflow-artifacts:/...}.
   */
  public void proxyArtifacts(boolean withAuthority) {
    artifactRoot = withAuthority ? "mlflow-artifacts://127.0.0.1:" + port : "mlflow-artifacts:";
  }

  /** Files uploaded through the artifact proxy, by path under its root. */
  public Map<String, byte[]> proxiedArtifacts() {
    return Map.copyOf(proxied);
  }

  /** While true every request is answered 503 (a server that is up but failing). */
  public void answer503(boolean on) {
    answering503 = on;
  }

  public String uri() {
    return "http://127.0.0.1:" + port;
  }

  /** Requests that deviated from MLflow's REST API, with the reason. */
  public List<String> violations() {
    return List.copyOf(violations);
  }

  /** Every request seen, as "METHOD path". */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  public synchronized Map<String, String> experiments() {
    return Map.copyOf(experiments);
  }

  public synchronized List<Run> runs() {
    return List.copyOf(runs.values());
  }

  public synchronized Optional<Run> runTagged(String key, String value) {
    return runs.values().stream().filter(r -> value.equals(r.tags.get(key))).findFirst();
  }

  public synchronized List<ModelVersion> versions(String model) {
    return List.copyOf(models.getOrDefault(model, List.of()));
  }

  private void handle(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getPath();
    requests.add(method + " " + path);
    try (ex) {
      java.util.concurrent.CountDownLatch h = held;
      if (h != null) {
        h.await();
      }
      if (delayMillis > 0) {
        Thread.sleep(delayMillis); // the slow server being played, not a wait for a condition
      }
      if (answering503) {
        reply(ex, 503, error("TEMPORARILY_UNAVAILABLE", "stand-in outage"));
        return;
      }
      String token = requiredToken;
      if (token != null
          && !("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        reply(ex, 401, error("UNAUTHENTICATED", "credentials refused"));
        return;
      }
      if (path.startsWith(PROXY_PREFIX) && method.equals("PUT")) {
        Integer failing = lastingFailures.get("PUT mlflow-artifacts");
        if (failing != null) {
          reply(ex, failing, error("TEMPORARILY_UNAVAILABLE", "artifact proxy failing"));
          return;
        }
        proxied.put(path.substring(PROXY_PREFIX.length()), ex.getRequestBody().readAllBytes());
        reply(ex, 200, JSON.createObjectNode());
        return;
      }
      if (!path.startsWith(PREFIX)) {
        reply(ex, 404, error("ENDPOINT_NOT_FOUND", path));
        return;
      }
      String endpoint = method + " " + path.substring(PREFIX.length());
      Integer failing = lastingFailures.get(endpoint);
      if (failing != null) {
        reply(ex, failing, error("INTERNAL_ERROR", "lasting failure of " + endpoint));
        return;
      }
      MlflowRestSchema.Message schema = MlflowRestSchema.REQUESTS.get(endpoint);
      if (schema == null) {
        violations.add(endpoint + ": not an endpoint the stand-in knows");
        reply(ex, 404, error("ENDPOINT_NOT_FOUND", endpoint));
        return;
      }
      JsonNode body =
          method.equals("GET")
              ? query(ex.getRequestURI().getRawQuery())
              : JSON.readTree(
                  new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      List<String> bad = MlflowRestSchema.check(endpoint, schema, body);
      if (!bad.isEmpty()) {
        violations.addAll(bad);
        reply(ex, 400, error("INVALID_PARAMETER_VALUE", String.join("; ", bad)));
        return;
      }
      if (plannedRefusals.getOrDefault(endpoint, 0) > 0) {
        plannedRefusals.merge(endpoint, -1, Integer::sum);
        reply(ex, 400, error("INVALID_PARAMETER_VALUE", "planned refusal of " + endpoint));
        return;
      }
      Answer a;
      synchronized (this) {
        a = answer(endpoint, body);
      }
      reply(ex, a.status(), a.body());
    } catch (RuntimeException e) {
      violations.add(method + " " + path + ": " + e);
      reply(ex, 500, error("INTERNAL_ERROR", e.toString()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private record Answer(int status, JsonNode body) {}

  private static Answer ok(JsonNode body) {
    return new Answer(200, body);
  }

  private Answer refuse(String code, String message) {
    violations.add("refused: " + code + " " + message);
    return new Answer(code.equals("RESOURCE_DOES_NOT_EXIST") ? 404 : 400, error(code, message));
  }

  private Answer answer(String endpoint, JsonNode b) {
    switch (endpoint) {
      case "GET experiments/get-by-name" -> {
        String name = b.path("experiment_name").asString();
        String id = experiments.get(name);
        if (id == null) {
          // the client asks before it creates: a 404 here is normal, not a violation
          return new Answer(404, error("RESOURCE_DOES_NOT_EXIST", "no experiment " + name));
        }
        ObjectNode out = JSON.createObjectNode();
        out.putObject("experiment")
            .put("experiment_id", id)
            .put("name", name)
            .put("artifact_location", artifactRoot + "/" + id)
            .put("lifecycle_stage", "active");
        return ok(out);
      }
      case "POST experiments/create" -> {
        String name = b.path("name").asString();
        if (experiments.containsKey(name)) {
          return refuse("RESOURCE_ALREADY_EXISTS", "experiment " + name);
        }
        String id = Integer.toString(experiments.size() + 1);
        experiments.put(name, id);
        return ok(JSON.createObjectNode().put("experiment_id", id));
      }
      case "POST runs/create" -> {
        String exp = b.path("experiment_id").asString("0");
        if (!experiments.containsValue(exp)) {
          return refuse("RESOURCE_DOES_NOT_EXIST", "experiment " + exp);
        }
        String id = String.format("%032x", runs.size() + 1);
        Run r =
            new Run(
                id,
                exp,
                b.path("run_name").asString(""),
                Long.parseLong(b.path("start_time").asString("0")),
                artifactRoot + "/" + exp + "/" + id + "/artifacts");
        String badTag = badKeys(b.path("tags"), "tags");
        if (badTag != null) {
          return refuse("INVALID_PARAMETER_VALUE", badTag);
        }
        for (JsonNode t : b.path("tags")) {
          r.tags.put(t.path("key").asString(), t.path("value").asString());
        }
        runs.put(id, r);
        ObjectNode out = JSON.createObjectNode();
        out.set("run", runJson(r));
        return ok(out);
      }
      case "POST runs/search" -> {
        String filter = b.path("filter").asString("");
        Map<String, String> wanted = new LinkedHashMap<>();
        Matcher m = TAG_FILTER.matcher(filter);
        int end = 0;
        while (m.find()) {
          String key =
              m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
          wanted.put(key, m.group(4));
          end = m.end();
        }
        if (!filter.isBlank() && (wanted.isEmpty() || !filter.substring(end).isBlank())) {
          return refuse("INVALID_PARAMETER_VALUE", "stand-in parses only tag equality: " + filter);
        }
        List<String> exps = new ArrayList<>();
        b.path("experiment_ids").forEach(e -> exps.add(e.asString()));
        ArrayNode found = JSON.createArrayNode();
        for (Run r : runs.values()) {
          boolean match =
              exps.contains(r.experimentId)
                  && wanted.entrySet().stream()
                      .allMatch(e -> e.getValue().equals(r.tags.get(e.getKey())));
          if (match) {
            found.add(runJson(r));
          }
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("runs", found);
        return ok(out);
      }
      case "GET runs/get" -> {
        Run r = runs.get(b.path("run_id").asString(b.path("run_uuid").asString("")));
        if (r == null) {
          return refuse("RESOURCE_DOES_NOT_EXIST", "run " + b);
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("run", runJson(r));
        return ok(out);
      }
      case "GET metrics/get-history" -> {
        Run r = runs.get(b.path("run_id").asString(b.path("run_uuid").asString("")));
        if (r == null) {
          return refuse("RESOURCE_DOES_NOT_EXIST", "run " + b);
        }
        String key = b.path("metric_key").asString();
        ArrayNode points = JSON.createArrayNode();
        for (Point p : r.metrics.getOrDefault(key, List.of())) {
          points
              .addObject()
              .put("key", key)
              .put("value", p.value())
              .put("timestamp", p.timestamp())
              .put("step", p.step());
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("metrics", points);
        return ok(out);
      }
      case "POST runs/update" -> {
        Run r = runs.get(b.path("run_id").asString(b.path("run_uuid").asString("")));
        if (r == null) {
          return refuse("RESOURCE_DOES_NOT_EXIST", "run " + b);
        }
        if (b.has("status")) {
          r.status = b.path("status").asString();
        }
        if (b.has("end_time")) {
          r.endTime = Long.parseLong(b.path("end_time").asString());
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("run_info", runJson(r).path("info"));
        return ok(out);
      }
      case "POST runs/log-batch" -> {
        return logBatch(b);
      }
      case "POST runs/set-tag" -> {
        Run r = runs.get(b.path("run_id").asString(""));
        if (r == null) {
          return refuse("RESOURCE_DOES_NOT_EXIST", "run " + b);
        }
        String why = keyProblem(b.path("key").asString(""));
        if (why != null) {
          return refuse("INVALID_PARAMETER_VALUE", "tag key " + b.path("key") + ": " + why);
        }
        r.tags.put(b.path("key").asString(), b.path("value").asString());
        return ok(JSON.createObjectNode());
      }
      case "GET registered-models/get" -> {
        String name = b.path("name").asString();
        if (!models.containsKey(name)) {
          return new Answer(404, error("RESOURCE_DOES_NOT_EXIST", "registered model " + name));
        }
        ObjectNode out = JSON.createObjectNode();
        out.putObject("registered_model").put("name", name);
        return ok(out);
      }
      case "POST registered-models/create" -> {
        String name = b.path("name").asString();
        if (models.containsKey(name)) {
          return refuse("RESOURCE_ALREADY_EXISTS", "registered model " + name);
        }
        models.put(name, new ArrayList<>());
        ObjectNode out = JSON.createObjectNode();
        out.putObject("registered_model").put("name", name);
        return ok(out);
      }
      case "GET model-versions/search" -> {
        Matcher m =
            Pattern.compile("^name\\s*=\\s*'([^']*)'$").matcher(b.path("filter").asString(""));
        if (!m.matches()) {
          return refuse("INVALID_PARAMETER_VALUE", "stand-in parses only name='...': " + b);
        }
        ArrayNode found = JSON.createArrayNode();
        models.getOrDefault(m.group(1), List.of()).forEach(v -> found.add(versionJson(v)));
        ObjectNode out = JSON.createObjectNode();
        out.set("model_versions", found);
        return ok(out);
      }
      case "POST model-versions/create" -> {
        String name = b.path("name").asString();
        List<ModelVersion> versions = models.get(name);
        if (versions == null) {
          return refuse("RESOURCE_DOES_NOT_EXIST", "registered model " + name);
        }
        String runId = b.path("run_id").asString("");
        if (!runId.isEmpty() && !runs.containsKey(runId)) {
          return refuse("RESOURCE_DOES_NOT_EXIST", "run " + runId);
        }
        String source = b.path("source").asString("");
        if (isLocal(source)
            && (runId.isEmpty() || !source.startsWith(runs.get(runId).artifactUri + "/"))) {
          return refuse(
              "INVALID_PARAMETER_VALUE",
              "Invalid model version source: '"
                  + source
                  + "'. To use a local path as a model version source, the run_id request"
                  + " parameter has to be specified and the local path has to be contained within"
                  + " the artifact directory of the run specified by the run_id.");
        }
        String badTag = badKeys(b.path("tags"), "tags");
        if (badTag != null) {
          return refuse("INVALID_PARAMETER_VALUE", badTag);
        }
        for (JsonNode t : b.path("tags")) {
          if (t.path("value").asString("").length() > MAX_MODEL_VERSION_TAG_VALUE) {
            return refuse(
                "INVALID_PARAMETER_VALUE",
                "model version tag "
                    + t.path("key").asString()
                    + ": 'value' exceeds the maximum length of "
                    + MAX_MODEL_VERSION_TAG_VALUE
                    + " characters");
          }
        }
        Map<String, String> tags = new LinkedHashMap<>();
        b.path("tags").forEach(t -> tags.put(t.path("key").asString(), t.path("value").asString()));
        ModelVersion v =
            new ModelVersion(
                name,
                Integer.toString(versions.size() + 1),
                b.path("source").asString(),
                runId,
                tags);
        versions.add(v);
        ObjectNode out = JSON.createObjectNode();
        out.set("model_version", versionJson(v));
        return ok(out);
      }
      default -> throw new IllegalStateException("unhandled " + endpoint);
    }
  }

  /** MLflow's log-batch rules: run exists, limits, key characters, params written once. */
  private Answer logBatch(JsonNode b) {
    Run r = runs.get(b.path("run_id").asString(""));
    if (r == null) {
      return refuse("RESOURCE_DOES_NOT_EXIST", "run " + b.path("run_id"));
    }
    int metrics = b.path("metrics").size();
    int params = b.path("params").size();
    int tags = b.path("tags").size();
    if (metrics > 1000 || params > 100 || tags > 100 || metrics + params + tags > 1000) {
      return refuse(
          "INVALID_PARAMETER_VALUE",
          "batch of " + metrics + " metrics, " + params + " params, " + tags + " tags");
    }
    for (String field : List.of("params", "tags")) {
      String bad = badKeys(b.path(field), field);
      if (bad != null) {
        return refuse("INVALID_PARAMETER_VALUE", bad);
      }
    }
    for (JsonNode p : b.path("params")) {
      String key = p.path("key").asString();
      String value = p.path("value").asString();
      String old = r.params.get(key);
      if (key.length() > 250 || value.length() > 6000) {
        return refuse("INVALID_PARAMETER_VALUE", "param " + key + " too long");
      }
      if (old != null && !old.equals(value)) {
        return refuse(
            "INVALID_PARAMETER_VALUE",
            "param " + key + " was '" + old + "', cannot change to '" + value + "'");
      }
    }
    for (JsonNode m : b.path("metrics")) {
      if (!m.has("key") || !m.has("value") || !m.has("timestamp")) {
        return refuse("INVALID_PARAMETER_VALUE", "metric needs key, value, timestamp: " + m);
      }
      String why = keyProblem(m.path("key").asString(""));
      if (why != null) {
        return refuse("INVALID_PARAMETER_VALUE", "metric key " + m.path("key") + ": " + why);
      }
    }
    b.path("params")
        .forEach(p -> r.params.put(p.path("key").asString(), p.path("value").asString()));
    b.path("tags").forEach(t -> r.tags.put(t.path("key").asString(), t.path("value").asString()));
    for (JsonNode m : b.path("metrics")) {
      JsonNode v = m.path("value");
      double value = v.isString() ? Double.parseDouble(v.asString()) : v.asDouble();
      r.metrics
          .computeIfAbsent(m.path("key").asString(), k -> new ArrayList<>())
          .add(
              new Point(
                  value,
                  Long.parseLong(m.path("timestamp").asString()),
                  Long.parseLong(m.path("step").asString("0"))));
    }
    return ok(JSON.createObjectNode());
  }

  /**
   * MLflow's rule for metric, param and tag keys ({@code mlflow/utils/validation.py}): the
   * characters {@code [/\\w.\\- :]}, and a name that does not change under {@code
   * posixpath.normpath} and does not start with {@code /} or {@code ..} - so no empty, {@code .} or
   * {@code ..} segment. Null when the key is fine.
   */
  public static String keyProblem(String key) {
    if (!METRIC_KEY.matcher(key).matches()) {
      return "names may only contain alphanumerics, underscores, dashes, periods, spaces, colons"
          + " and slashes";
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return "names may be treated as files and must not resolve to other names";
      }
    }
    return null;
  }

  /** The first bad key of a list of {key, value} objects, described; null when all are fine. */
  private static String badKeys(JsonNode entries, String field) {
    int i = 0;
    for (JsonNode e : entries) {
      String why = keyProblem(e.path("key").asString(""));
      if (why != null) {
        return field + "[" + i + "].key '" + e.path("key").asString("") + "': " + why;
      }
      i++;
    }
    return null;
  }

  /** A source on the server's own file system: file:, or a path without a scheme. */
  private static boolean isLocal(String source) {
    return source.startsWith("file:") || !source.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");
  }

  private static ObjectNode runJson(Run r) {
    ObjectNode run = JSON.createObjectNode();
    ObjectNode info = run.putObject("info");
    info.put("run_id", r.id)
        .put("run_uuid", r.id)
        .put("experiment_id", r.experimentId)
        .put("run_name", r.name)
        .put("status", r.status)
        .put("start_time", r.startTime)
        .put("artifact_uri", r.artifactUri)
        .put("lifecycle_stage", "active");
    if (r.endTime != null) {
      info.put("end_time", r.endTime);
    }
    ObjectNode data = run.putObject("data");
    ArrayNode tags = data.putArray("tags");
    r.tags.forEach((k, v) -> tags.addObject().put("key", k).put("value", v));
    ArrayNode params = data.putArray("params");
    r.params.forEach((k, v) -> params.addObject().put("key", k).put("value", v));
    return run;
  }

  private static ObjectNode versionJson(ModelVersion v) {
    ObjectNode o =
        JSON.createObjectNode()
            .put("name", v.name())
            .put("version", v.version())
            .put("source", v.source())
            .put("run_id", v.runId())
            .put("status", "READY");
    ArrayNode tags = o.putArray("tags");
    v.tags().forEach((k, val) -> tags.addObject().put("key", k).put("value", val));
    return o;
  }

  private static ObjectNode query(String raw) {
    ObjectNode out = JSON.createObjectNode();
    if (raw != null && !raw.isEmpty()) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        out.put(k, v);
      }
    }
    return out;
  }

  private static ObjectNode error(String code, String message) {
    return JSON.createObjectNode().put("error_code", code).put("message", message);
  }

  private static void reply(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    stop();
  }
}
