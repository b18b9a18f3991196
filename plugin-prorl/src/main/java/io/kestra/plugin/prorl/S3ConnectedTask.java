package io.kestra.plugin.prorl;

import io.kestra.core.models.property.Property;
import io.kestra.core.models.tasks.Task;
import io.kestra.core.runners.RunContext;
import io.prorl.engine.checkpoint.CheckpointStore;
import io.prorl.engine.checkpoint.CheckpointStores;
import io.prorl.engine.checkpoint.S3CheckpointStore;
import io.swagger.v3.oas.annotations.media.Schema;
import lombok.Builder;
import lombok.EqualsAndHashCode;
import lombok.Getter;
import lombok.NoArgsConstructor;
import lombok.ToString;
import lombok.experimental.SuperBuilder;

/**
 * A task that may read or write {@code s3://} URIs (checkpoints, problem files, datasets, reports,
 * MLflow artifact locations): its S3 connection. Blank values fall back to the AWS SDK's defaults
 * (environment, profile, instance role).
 */
@SuperBuilder
@ToString
@EqualsAndHashCode(callSuper = true)
@Getter
@NoArgsConstructor
public abstract class S3ConnectedTask extends Task {
  @Schema(title = "S3 endpoint override for s3:// roots (MinIO, Ceph, ...); blank for AWS.")
  private Property<String> s3Endpoint;

  @Schema(title = "S3 signing region.")
  @Builder.Default
  private Property<String> s3Region = Property.ofValue("us-east-1");

  @Schema(title = "Path-style S3 addressing (MinIO, Ceph and most non-AWS servers).")
  @Builder.Default
  private Property<Boolean> s3PathStyle = Property.ofValue(true);

  @Schema(title = "S3 access key id; blank for the SDK's default credentials.")
  private Property<String> s3AccessKeyId;

  @Schema(title = "S3 secret access key (use a Kestra secret); never logged.")
  @ToString.Exclude
  private Property<String> s3SecretAccessKey;

  /** The store for a rendered checkpoint root. */
  protected CheckpointStore openStore(RunContext runContext, String root) throws Exception {
    return CheckpointStores.open(root, s3Settings(runContext));
  }

  /** The rendered S3 connection. */
  protected S3CheckpointStore.Settings s3Settings(RunContext runContext) throws Exception {
    return new S3CheckpointStore.Settings(
        blankToNull(runContext.render(s3Endpoint).as(String.class).orElse(null)),
        blankToNull(runContext.render(s3Region).as(String.class).orElse(null)),
        runContext.render(s3PathStyle).as(Boolean.class).orElse(true),
        blankToNull(runContext.render(s3AccessKeyId).as(String.class).orElse(null)),
        blankToNull(runContext.render(s3SecretAccessKey).as(String.class).orElse(null)));
  }

  protected static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
