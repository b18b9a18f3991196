package io.prorl.engine.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Checkpoints in {@code s3://bucket/prefix} through the AWS SDK v2: any endpoint (MinIO, Ceph, a
 * test server) with path-style access, SHA-256 checksums computed by the SDK and verified by the
 * server on every upload and part, multipart uploads with parts sent in parallel for large files.
 * Keys under the prefix mirror the file layout of {@link FileCheckpointStore}.
 */
public final class S3CheckpointStore implements CheckpointStore {
  static final long PART_BYTES = 8L << 20;
  private static final int PARALLEL_PARTS = 4;

  private final S3Client s3;
  private final String bucket;
  private final String prefix;

  /**
   * Where and how to reach S3. The secret is never part of {@link #toString()}.
   *
   * @param endpoint endpoint override (e.g. http://127.0.0.1:9090), or null for AWS
   * @param region signing region (us-east-1 when null)
   * @param pathStyle path-style addressing (MinIO, Ceph, test servers)
   * @param accessKeyId static credentials, or null for the SDK's default chain
   * @param secretAccessKey static credentials, or null for the SDK's default chain
   */
  public record Settings(
      String endpoint,
      String region,
      boolean pathStyle,
      String accessKeyId,
      String secretAccessKey) {
    /** The signing region when none is given. */
    public static final String DEFAULT_REGION = "us-east-1";

    /** Path-style addressing when not said otherwise: MinIO, Ceph and most non-AWS servers. */
    public static final boolean DEFAULT_PATH_STYLE = true;

    @Override
    public String toString() {
      return "Settings[endpoint="
          + endpoint
          + ", region="
          + region
          + ", pathStyle="
          + pathStyle
          + ", accessKeyId="
          + accessKeyId
          + ", secretAccessKey="
          + (secretAccessKey == null ? "null" : "****")
          + "]";
    }
  }

  public S3CheckpointStore(S3Client s3, String bucket, String prefix) {
    this.s3 = s3;
    this.bucket = bucket;
    String p = prefix == null ? "" : prefix.replaceAll("^/+", "");
    this.prefix = p.isEmpty() || p.endsWith("/") ? p : p + "/";
  }

  /** A store for {@code s3://bucket/prefix}. */
  public static S3CheckpointStore open(String root, Settings settings) {
    URI uri = URI.create(root);
    if (!"s3".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("checkpointRoot: not an s3://bucket/prefix URI: " + root);
    }
    S3ClientBuilder b =
        S3Client.builder()
            .region(
                Region.of(settings.region() == null ? Settings.DEFAULT_REGION : settings.region()))
            .forcePathStyle(settings.pathStyle());
    if (settings.endpoint() != null && !settings.endpoint().isBlank()) {
      b.endpointOverride(URI.create(settings.endpoint()));
    }
    if (settings.accessKeyId() != null && settings.secretAccessKey() != null) {
      b.credentialsProvider(
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey())));
    } else {
      b.credentialsProvider(DefaultCredentialsProvider.builder().build());
    }
    return new S3CheckpointStore(b.build(), uri.getHost(), uri.getPath());
  }

  private String objectKey(String key) {
    if (key.contains("..")) {
      throw new IllegalArgumentException("checkpoint key escapes the store root: " + key);
    }
    return prefix + key;
  }

  @Override
  public void put(String key, Path source) throws IOException {
    long size = java.nio.file.Files.size(source);
    try {
      if (size <= PART_BYTES) {
        s3.putObject(
            r -> r.bucket(bucket).key(objectKey(key)).checksumAlgorithm(ChecksumAlgorithm.SHA256),
            RequestBody.fromFile(source));
      } else {
        putMultipart(objectKey(key), source, size);
      }
    } catch (SdkException e) {
      throw new IOException("upload to " + uri(key) + " failed: " + e.getMessage(), e);
    }
  }

  /** Parts of PART_BYTES uploaded PARALLEL_PARTS at a time; aborted on any failure. */
  private void putMultipart(String objectKey, Path source, long size) throws IOException {
    String uploadId =
        s3.createMultipartUpload(
                r -> r.bucket(bucket).key(objectKey).checksumAlgorithm(ChecksumAlgorithm.SHA256))
            .uploadId();
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_PARTS);
    try (FileChannel file = FileChannel.open(source, StandardOpenOption.READ)) {
      List<Future<CompletedPart>> parts = new ArrayList<>();
      int count = (int) ((size + PART_BYTES - 1) / PART_BYTES);
      for (int i = 0; i < count; i++) {
        int number = i + 1;
        long offset = i * PART_BYTES;
        int length = (int) Math.min(PART_BYTES, size - offset);
        parts.add(
            pool.submit(() -> {
              ByteBuffer buf = ByteBuffer.allocate(length);
              while (buf.hasRemaining()) {
                if (file.read(buf, offset + buf.position()) < 0) {
                  throw new IOException("file shrank while uploading: " + source);
                }
              }
              buf.flip();
              var response =
                  s3.uploadPart(
                      r ->
                          r.bucket(bucket)
                              .key(objectKey)
                              .uploadId(uploadId)
                              .partNumber(number)
                              .checksumAlgorithm(ChecksumAlgorithm.SHA256),
                      RequestBody.fromByteBuffer(buf));
              return CompletedPart.builder()
                  .partNumber(number)
                  .eTag(response.eTag())
                  .checksumSHA256(response.checksumSHA256())
                  .build();
            }));
      }
      List<CompletedPart> done = new ArrayList<>();
      for (Future<CompletedPart> f : parts) {
        done.add(f.get());
      }
      s3.completeMultipartUpload(r ->
          r.bucket(bucket).key(objectKey).uploadId(uploadId).multipartUpload(m -> m.parts(done)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abort(objectKey, uploadId);
      throw new IOException("interrupted while uploading " + objectKey, e);
    } catch (ExecutionException | RuntimeException e) {
      abort(objectKey, uploadId);
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IOException(
          "multipart upload of " + objectKey + " failed: " + cause.getMessage(), cause);
    } finally {
      pool.shutdownNow();
    }
  }

  private void abort(String objectKey, String uploadId) {
    try {
      s3.abortMultipartUpload(r -> r.bucket(bucket).key(objectKey).uploadId(uploadId));
    } catch (SdkException ignored) {
      // the upload failed already; the error that matters is the one being thrown
    }
  }

  @Override
  public InputStream get(String key) throws IOException {
    try {
      return s3.getObject(
          r -> r.bucket(bucket).key(objectKey(key)).checksumMode(ChecksumMode.ENABLED));
    } catch (NoSuchKeyException e) {
      throw new NoSuchFileException(uri(key).toString());
    } catch (SdkException e) {
      throw new IOException("download of " + uri(key) + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean exists(String key) throws IOException {
    try {
      s3.headObject(r -> r.bucket(bucket).key(objectKey(key)));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw new IOException("HEAD " + uri(key) + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public List<String> list(String keyPrefix) throws IOException {
    List<String> out = new ArrayList<>();
    try {
      for (S3Object o :
          s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(objectKey(keyPrefix)))
              .contents()) {
        out.add(o.key().substring(prefix.length()));
      }
    } catch (SdkException e) {
      throw new IOException("listing " + uri(keyPrefix) + " failed: " + e.getMessage(), e);
    }
    out.sort(null);
    return out;
  }

  @Override
  public void delete(String key) throws IOException {
    try {
      s3.deleteObject(r -> r.bucket(bucket).key(objectKey(key)));
    } catch (SdkException e) {
      throw new IOException("delete of " + uri(key) + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public URI uri(String key) {
    return URI.create("s3://" + bucket + "/" + objectKey(key));
  }

  @Override
  public void close() {
    s3.close();
  }
}
