package io.prorl.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of a server, for storage-fault tests: it forwards both ways
 * until told to cut, then closes every new connection after a number of bytes sent towards the
 * server - a transfer broken in the middle, as a dropped network or a server that dies would.
 */
public final class FaultyProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private volatile long cutAfterBytes = -1;
  private final AtomicInteger cuts = new AtomicInteger();
  private final java.util.Set<Socket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private FaultyProxy(ServerSocket listener, int targetPort) {
    this.listener = listener;
    this.targetPort = targetPort;
  }

  /** A proxy to 127.0.0.1:{@code targetPort}, forwarding everything until {@link #cutAfter}. */
  public static FaultyProxy to(int targetPort) throws IOException {
    FaultyProxy p =
        new FaultyProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), targetPort);
    Thread t = new Thread(p::accept, "faulty-proxy");
    t.setDaemon(true);
    t.start();
    return p;
  }

  public int port() {
    return listener.getLocalPort();
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port();
  }

  /**
   * Open connections are closed now (a client's idle pooled ones included), and connections opened
   * from now on are closed after {@code bytes} bytes towards the server.
   */
  public void cutAfter(long bytes) {
    cutAfterBytes = bytes;
    for (Socket s : open) {
      closeQuietly(s);
    }
  }

  /** Forward everything again. */
  public void heal() {
    cutAfterBytes = -1;
  }

  /** Connections cut so far. */
  public int cuts() {
    return cuts.get();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        open.add(client);
        long limit = cutAfterBytes;
        pump(client, server, limit, true);
        pump(server, client, -1, false);
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to, long limit, boolean towardsServer) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[8192];
              long sent = 0;
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                  if (limit >= 0 && sent + n > limit) {
                    out.write(buf, 0, (int) (limit - sent));
                    out.flush();
                    cuts.incrementAndGet();
                    break;
                  }
                  out.write(buf, 0, n);
                  out.flush();
                  sent += n;
                }
              } catch (IOException ignored) {
                // the other direction closed the sockets
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
              }
            },
            towardsServer ? "faulty-proxy-up" : "faulty-proxy-down");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing a socket that failed already
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
