package io.prorl.engine.tracking;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link MlflowApi} on MLflow's Java client ({@code org.mlflow:mlflow-client}): its typed calls for
 * experiments, runs and batches; its raw {@code sendGet}/{@code sendPost} for the model registry,
 * whose writes it has no typed call for. Batches are split into the server's limits (1000 metrics,
 * 100 params, 100 tags, 1000 entries per request).
 */
public final class MlflowClientApi implements MlflowApi {
  static final int MAX_METRICS = 1000;
  static final int MAX_PARAMS = 100;
  static final int MAX_TAGS = 100;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final MlflowClient client;
  private final String trackingUri;

  public MlflowClientApi(MlflowSettings settings) {
    this.trackingUri = settings.trackingUri();
    BasicMlflowHostCreds creds =
        settings.token() != null
            ? new BasicMlflowHostCreds(settings.trackingUri(), settings.token())
            : new BasicMlflowHostCreds(
                settings.trackingUri(), settings.username(), settings.password());
    this.client = new MlflowClient(creds);
  }

  @Override
  public String experimentId(String name) {
    return call(
        "experiments/get-by-name " + name,
        () ->
            client
                .getExperimentByName(name)
                .map(Service.Experiment::getExperimentId)
                .orElseGet(() -> client.createExperiment(name)));
  }

  @Override
  public Optional<RunRef> findRun(String experimentId, String tagKey, String tagValue) {
    String filter = "tags.`" + tagKey + "` = '" + tagValue + "'";
    return call(
        "runs/search " + filter,
        () ->
            client
                .searchRuns(List.of(experimentId), filter, Service.ViewType.ACTIVE_ONLY, 1)
                .getItems()
                .stream()
                .findFirst()
                .map(r -> ref(r.getInfo())));
  }

  @Override
  public RunRef createRun(
      String experimentId, String runName, long startMillis, Map<String, String> tags) {
    Service.CreateRun.Builder request =
        Service.CreateRun.newBuilder()
            .setExperimentId(experimentId)
            .setRunName(runName)
            .setStartTime(startMillis);
    tags.forEach((k, v) -> request.addTags(Service.RunTag.newBuilder().setKey(k).setValue(v)));
    return call("runs/create " + runName, () -> ref(client.createRun(request.build())));
  }

  @Override
  public void logBatch(
      String runId,
      Map<String, String> params,
      List<TrackingOp.MetricPoint> metrics,
      Map<String, String> tags) {
    List<Service.Param> p = new ArrayList<>();
    params.forEach((k, v) -> p.add(Service.Param.newBuilder().setKey(k).setValue(v).build()));
    List<Service.RunTag> t = new ArrayList<>();
    tags.forEach((k, v) -> t.add(Service.RunTag.newBuilder().setKey(k).setValue(v).build()));
    List<Service.Metric> m = new ArrayList<>();
    for (TrackingOp.MetricPoint point : metrics) {
      m.add(
          Service.Metric.newBuilder()
              .setKey(point.key())
              .setValue(point.value())
              .setStep(point.step())
              .setTimestamp(point.timeMillis())
              .build());
    }
    int pi = 0;
    int ti = 0;
    int mi = 0;
    while (pi < p.size() || ti < t.size() || mi < m.size()) {
      List<Service.Param> ps = p.subList(pi, Math.min(p.size(), pi + MAX_PARAMS));
      List<Service.RunTag> ts = t.subList(ti, Math.min(t.size(), ti + MAX_TAGS));
      int room = MAX_METRICS - ps.size() - ts.size();
      List<Service.Metric> ms = m.subList(mi, Math.min(m.size(), mi + room));
      call(
          "runs/log-batch " + runId,
          () -> {
            client.logBatch(runId, ms, ps, ts);
            return null;
          });
      pi += ps.size();
      ti += ts.size();
      mi += ms.size();
    }
  }

  @Override
  public void setStatus(String runId, String status, Long endMillis) {
    Service.RunStatus s = Service.RunStatus.valueOf(status);
    call(
        "runs/update " + runId + " " + status,
        () -> {
          if (endMillis == null) {
            ObjectNode body = JSON.createObjectNode().put("run_id", runId).put("status", status);
            client.sendPost("runs/update", body.toString());
          } else {
            client.setTerminated(runId, s, endMillis);
          }
          return null;
        });
  }

  @Override
  public String registerModelVersion(
      String model, String source, String runId, Map<String, String> tags) {
    return call(
        "model registry " + model,
        () -> {
          ensureRegisteredModel(model);
          String filter = "name='" + model.replace("'", "\\'") + "'";
          JsonNode found =
              JSON.readTree(
                  client.sendGet(
                      "model-versions/search?filter="
                          + URLEncoder.encode(filter, StandardCharsets.UTF_8)));
          for (JsonNode v : found.path("model_versions")) {
            if (source.equals(v.path("source").asString())
                && runId.equals(v.path("run_id").asString())) {
              return v.path("version").asString();
            }
          }
          ObjectNode body =
              JSON.createObjectNode().put("name", model).put("source", source).put("run_id", runId);
          body.set("tags", tagArray(tags));
          JsonNode created =
              JSON.readTree(client.sendPost("model-versions/create", body.toString()));
          return created.path("model_version").path("version").asString();
        });
  }

  private void ensureRegisteredModel(String model) {
    try {
      client.sendGet(
          "registered-models/get?name=" + URLEncoder.encode(model, StandardCharsets.UTF_8));
    } catch (MlflowHttpException e) {
      if (e.getStatusCode() != 404) {
        throw e;
      }
      ObjectNode body = JSON.createObjectNode().put("name", model);
      client.sendPost("registered-models/create", body.toString());
    }
  }

  private static ArrayNode tagArray(Map<String, String> tags) {
    ArrayNode out = JSON.createArrayNode();
    new LinkedHashMap<>(tags).forEach((k, v) -> out.addObject().put("key", k).put("value", v));
    return out;
  }

  private static RunRef ref(Service.RunInfo info) {
    return new RunRef(info.getRunId(), info.getArtifactUri());
  }

  /** Runs a client call, classifying its failure for the courier. */
  private <T> T call(String what, Supplier<T> body) {
    try {
      return body.get();
    } catch (MlflowHttpException e) {
      int code = e.getStatusCode();
      throw new Failure(
          trackingUri + " " + what + ": HTTP " + code + " " + e.getBodyMessage(),
          Failure.kindOf(code),
          e);
    } catch (MlflowClientException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new Failure(trackingUri + " " + what + ": " + cause, Failure.Kind.UNREACHABLE, e);
    } catch (tools.jackson.core.JacksonException e) {
      throw new Failure(
          trackingUri + " " + what + ": unreadable answer: " + e, Failure.Kind.REFUSED, e);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
