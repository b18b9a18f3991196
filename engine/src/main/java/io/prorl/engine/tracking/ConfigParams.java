package io.prorl.engine.tracking;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A configuration object as MLflow params: its JSON form flattened to dotted keys ({@code
 * trainer.loss.epsHigh = 0.28}); lists stay JSON text. Values over MLflow's 6000-byte limit are cut
 * and marked, so logging the whole resolved config never fails on one long value.
 */
public final class ConfigParams {
  static final int MAX_VALUE = 6000;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ConfigParams() {}

  public static Map<String, String> of(String prefix, Object config) {
    Map<String, String> out = new LinkedHashMap<>();
    flatten(prefix, JSON.valueToTree(config), out);
    return out;
  }

  private static void flatten(String key, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        flatten(key.isEmpty() ? e.getKey() : key + "." + e.getKey(), e.getValue(), out);
      }
    } else if (!node.isNull() && !node.isMissingNode()) {
      String text = node.isValueNode() ? node.asString() : node.toString();
      out.put(key, text.length() > MAX_VALUE ? text.substring(0, MAX_VALUE - 3) + "..." : text);
    }
  }
}
