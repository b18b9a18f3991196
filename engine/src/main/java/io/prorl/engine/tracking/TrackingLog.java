package io.prorl.engine.tracking;

/** Where the tracker reports what it does (a Kestra task log, a terminal). */
public interface TrackingLog {
  void info(String message);

  void warn(String message);

  TrackingLog STDERR =
      new TrackingLog() {
        @Override
        public void info(String message) {
          System.err.println("mlflow: " + message);
        }

        @Override
        public void warn(String message) {
          System.err.println("mlflow WARN: " + message);
        }
      };
}
