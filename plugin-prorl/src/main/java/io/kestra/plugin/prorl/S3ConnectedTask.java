package io.kestra.plugin.prorl;

import io.kestra.core.models.property.Property;
import io.kestra.core.models.tasks.Task;
import io.kestra.core.runners.RunContext;
import io.prorl.engine.checkpoint.CheckpointStore;
import io.prorl.engine.checkpoint.CheckpointStores;
import io.prorl.engine.checkpoint.S3CheckpointStore;
import io.swagger.v3.oas.annotations.media.Schema;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.NoArgsConstructor;
import lombok.ToString;
import lombok.experimental.SuperBuilder;

/**
 * A task that may read or write {@code s3://} URIs (checkpoints, problem files, datasets, reports,
 * MLflow artifact locations): its S3 connection. Each setting comes from the task's property when
 * set, else from the server's plugin configuration ({@code kestra.plugins.configurations}, an entry
 * with this task's {@code type} and the setting's name under {@code values}), so flows need not
 * repeat endpoints and credentials; what neither gives falls back to the AWS SDK's defaults
 * (environment, profile, instance role).
 */
@SuperBuilder
@ToString
@EqualsAndHashCode(callSuper = true)
@Getter
@NoArgsConstructor
public abstract class S3ConnectedTask extends Task {
  @Schema(
      title = "S3 endpoint override for s3:// roots (MinIO, Ceph, ...); blank for AWS.",
      description = SERVER_WIDE)
  private Property<String> s3Endpoint;

  @Schema(title = "S3 signing region (us-east-1 when unset).", description = SERVER_WIDE)
  private Property<String> s3Region;

  @Schema(
      title = "Path-style S3 addressing (true when unset: MinIO, Ceph, most non-AWS servers).",
      description = SERVER_WIDE)
  private Property<Boolean> s3PathStyle;

  @Schema(
      title = "S3 access key id; blank for the SDK's default credentials.",
      description = SERVER_WIDE)
  private Property<String> s3AccessKeyId;

  @Schema(
      title = "S3 secret access key (a Kestra secret, or the server's plugin configuration).",
      description = SERVER_WIDE + " Never logged.")
  @ToString.Exclude
  private Property<String> s3SecretAccessKey;

  static final String SERVER_WIDE =
      "When the task does not set it, the server's plugin configuration does"
          + " (kestra.plugins.configurations: an entry with this task's type whose values hold"
          + " the same name).";

  /** The store for a rendered checkpoint root. */
  protected CheckpointStore openStore(RunContext runContext, String root) throws Exception {
    return CheckpointStores.open(root, s3Settings(runContext));
  }

  /** The rendered S3 connection. */
  protected S3CheckpointStore.Settings s3Settings(RunContext runContext) throws Exception {
    String pathStyle = setting(runContext, s3PathStyle, "s3PathStyle");
    return new S3CheckpointStore.Settings(
        setting(runContext, s3Endpoint, "s3Endpoint"),
        setting(runContext, s3Region, "s3Region"),
        pathStyle == null
            ? S3CheckpointStore.Settings.DEFAULT_PATH_STYLE
            : Boolean.parseBoolean(pathStyle),
        setting(runContext, s3AccessKeyId, "s3AccessKeyId"),
        setting(runContext, s3SecretAccessKey, "s3SecretAccessKey"));
  }

  /**
   * A connection setting: the task's property when it renders to a non-blank value, else the
   * server's plugin configuration under {@code key} (rendered, so it may read a secret), else null.
   */
  protected static String setting(RunContext rc, Property<?> property, String key)
      throws Exception {
    @SuppressWarnings("unchecked")
    Property<Object> any = (Property<Object>) property;
    String own =
        any == null
            ? null
            : blankToNull(rc.render(any).as(Object.class).map(String::valueOf).orElse(null));
    if (own != null) {
      return own;
    }
    java.util.Optional<Object> server = rc.pluginConfiguration(key);
    return server.isEmpty() ? null : blankToNull(rc.render(String.valueOf(server.get())));
  }

  protected static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
