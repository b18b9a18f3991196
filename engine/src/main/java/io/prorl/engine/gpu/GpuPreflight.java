package io.prorl.engine.gpu;

import java.util.ArrayList;
import java.util.List;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;

/**
 * GPU preflight through the CUDA driver API (JCuda): how many devices, their names, memory and
 * compute capability. Without a driver or a GPU it reports zero devices and says why, instead of
 * throwing, so a caller can fail fast with that reason.
 */
public final class GpuPreflight {
  private GpuPreflight() {}

  /** One CUDA device. */
  public record Device(
      int index, String name, long totalMemoryBytes, int computeMajor, int computeMinor) {}

  /**
   * @param driverVersion the CUDA driver version as an integer (12060 = 12.6), 0 when unknown
   * @param devices the devices found
   * @param reason why there are none, or null when there are
   */
  public record Report(int driverVersion, List<Device> devices, String reason) {
    public boolean available() {
      return !devices.isEmpty();
    }
  }

  /**
   * Set when the CUDA driver library could not be loaded: the JVM will not load it later (a class
   * whose initialisation failed stays unusable), so every later probe reports the first reason.
   */
  private static volatile Report unloadable;

  public static Report probe() {
    Report known = unloadable;
    if (known != null) {
      return known;
    }
    try {
      JCudaDriver.setExceptionsEnabled(true);
      JCudaDriver.cuInit(0);
      int[] version = new int[1];
      JCudaDriver.cuDriverGetVersion(version);
      int[] count = new int[1];
      JCudaDriver.cuDeviceGetCount(count);
      List<Device> devices = new ArrayList<>();
      for (int i = 0; i < count[0]; i++) {
        CUdevice d = new CUdevice();
        JCudaDriver.cuDeviceGet(d, i);
        byte[] name = new byte[256];
        JCudaDriver.cuDeviceGetName(name, name.length, d);
        long[] memory = new long[1];
        JCudaDriver.cuDeviceTotalMem(memory, d);
        int[] major = new int[1];
        int[] minor = new int[1];
        JCudaDriver.cuDeviceGetAttribute(
            major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, d);
        JCudaDriver.cuDeviceGetAttribute(
            minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, d);
        devices.add(new Device(i, cString(name), memory[0], major[0], minor[0]));
      }
      return new Report(
          version[0], devices, devices.isEmpty() ? "the CUDA driver reports no device" : null);
    } catch (LinkageError e) {
      // UnsatisfiedLinkError the first time; NoClassDefFoundError on a later call in the same JVM
      Report r = new Report(0, List.of(), "no CUDA driver could be loaded: " + e.getMessage());
      unloadable = r;
      return r;
    } catch (RuntimeException e) {
      // jcuda.CudaException: e.g. CUDA_ERROR_NO_DEVICE from cuInit
      return new Report(0, List.of(), "CUDA driver error: " + e.getMessage());
    }
  }

  private static String cString(byte[] bytes) {
    int end = 0;
    while (end < bytes.length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, 0, end, java.nio.charset.StandardCharsets.US_ASCII);
  }
}
