package io.prorl.tasks.code;

import static org.assertj.core.api.Assertions.assertThat;

import io.prorl.tasks.Problem;
import io.prorl.tasks.Reward;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile programs in the real sandbox. Each scores 0 (or times out) with a reason, and leaves the
 * host untouched: no file outside the sandbox, no process of a sandbox uid afterwards, no planted
 * secret (files under the checkout and the home directory, an environment variable of this JVM set
 * by the build) in the program's output, the reward's reason, or anything else it could reach.
 */
class SandboxHostileTest {
  private static final int MAX_PROCESSES = 16;
  private static final String FILE_SECRET = "file-secret-" + ProcessHandle.current().pid();
  private static final String ENV = "PRORL_SANDBOX_TEST_SECRET";
  private static final String READ =
      "import sys\nd = sys.stdin.read().split()\nxs = [int(t) for t in d[1:]]\n";

  private static Sandbox sandbox;
  private static CodeFamily family;
  private static Problem problem;
  private static Path checkoutSecret;
  private static Path homeSecret;

  @BeforeAll
  static void plant() throws IOException {
    sandbox =
        Sandbox.system(new SandboxLimits(1, 3.0, 512L << 20, MAX_PROCESSES, 64 << 10, 1L << 20, 2));
    family = new CodeFamily(() -> sandbox);
    problem = family.generate(Map.of("kind", "sum", "tests", 2), 1, 0);
    checkoutSecret = Path.of("target", "sandbox-secret.txt").toAbsolutePath();
    Files.createDirectories(checkoutSecret.getParent());
    Files.writeString(checkoutSecret, FILE_SECRET);
    homeSecret = Path.of(System.getProperty("user.home"), ".prorl-sandbox-secret");
    Files.writeString(homeSecret, FILE_SECRET);
    assertThat(System.getenv(ENV)).as("the build sets " + ENV).isNotBlank();
  }

  @AfterAll
  static void remove() throws IOException {
    sandbox.close();
    Files.deleteIfExists(checkoutSecret);
    Files.deleteIfExists(homeSecret);
  }

  @AfterEach
  void noProcessOfASandboxUidIsLeft() {
    for (int slot = 0; slot < sandbox.limits().parallelism(); slot++) {
      assertThat(Sandbox.processesOf(Sandbox.FIRST_UID + slot)).isEmpty();
    }
  }

  /** Scores the program on the problem's two tests and checks the reason holds no secret. */
  private static Reward score(String program) {
    Reward r = family.score(problem, "```python\n" + program + "\n```");
    assertThat(r.reason()).isNotBlank().doesNotContain(FILE_SECRET).doesNotContain(secretValue());
    return r;
  }

  private static String secretValue() {
    return System.getenv(ENV);
  }

  @Test
  void theProcessBoundBindsThenAForkBombDiesAtIt() {
    // first: the bound binds - children that stay alive until the count is known
    String count =
        "import os, time\nn = 0\ntry:\n    while True:\n        if os.fork() == 0:\n"
            + "            time.sleep(2)\n            os._exit(0)\n        n += 1\n"
            + "except OSError as e:\n    print(n, e.errno)\n";
    ProgramRun bound = sandbox.run(count, "");
    // the program itself is one of the uid's processes; EAGAIN (11) at the limit
    assertThat(bound.stdout().strip()).isEqualTo((MAX_PROCESSES - 1) + " 11");

    Reward bomb = score("import os\nwhile True:\n    os.fork()");
    assertThat(bomb.value()).isZero();
    assertThat(bomb.reason()).startsWith("crashed on every test; test 1 crashed:");
  }

  @Test
  void aBusyLoopAndASleepRunPastTheirLimits() {
    Reward busy = score("while True:\n    pass");
    assertThat(busy.value()).isZero();
    assertThat(busy.reason()).isEqualTo("test 1 ran past the time limit (1 s CPU, 3.0 s wall)");
    ProgramRun sleep = sandbox.run("import time\ntime.sleep(60)", "");
    assertThat(sleep.timedOut()).isTrue();
    assertThat(sleep.wallMillis()).isLessThan(10_000);
    assertThat(score("import time\ntime.sleep(60)").reason()).contains("ran past the time limit");
  }

  @Test
  void tenGigabytesCannotBeAllocated() {
    Reward r = score("x = bytearray(10 * 1024 ** 3)\nprint(len(x))");
    assertThat(r.value()).isZero();
    assertThat(r.reason()).isEqualTo("crashed on every test; test 1 crashed: MemoryError");
  }

  @Test
  void aGigabyteOfOutputIsCutAtTheLimit() {
    Reward r =
        score(
            "import sys\nchunk = 'x' * (1 << 20)\nfor _ in range(1024):\n"
                + "    sys.stdout.write(chunk)");
    assertThat(r.value()).isZero();
    assertThat(r.reason()).isEqualTo("test 1 wrote more than 65536 bytes");
  }

  @Test
  void aServerOnTheHostsLoopbackIsUnreachable() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      String connect =
          "import socket\ns = socket.create_connection(('127.0.0.1', "
              + server.getLocalPort()
              + "), timeout=1)\nprint('connected')";
      ProgramRun run = sandbox.run(connect, "");
      assertThat(run.stdout()).doesNotContain("connected");
      assertThat(run.lastErrorLine()).containsAnyOf("unreachable", "refused");
      assertThat(score(connect).value()).isZero();
      server.setSoTimeout(1);
      boolean accepted;
      try {
        server.accept().close();
        accepted = true;
      } catch (SocketTimeoutException none) {
        accepted = false;
      }
      assertThat(accepted).as("the host's server accepted a connection").isFalse();
    }
  }

  @Test
  void plantedSecretsAndTheEnvironmentAreOutOfReach() {
    String snoop =
        "import os, glob\nfound = []\nfor p in ["
            + quoted(checkoutSecret)
            + ", "
            + quoted(homeSecret)
            + ", '/proc/1/environ', '/proc/self/environ']:\n"
            + "    try:\n        found.append(open(p, 'rb').read().decode('latin-1'))\n"
            + "    except Exception as e:\n        found.append(type(e).__name__)\n"
            + "found.append(repr(dict(os.environ)))\n"
            + "found.append(repr(glob.glob('/*')))\n"
            + "for top in ('/work', '/tmp', '/sandbox', '/dev'):\n"
            + "    found.append(repr(glob.glob(top + '/**', recursive=True)))\n"
            + "print('\\n'.join(found))\n";
    ProgramRun run = sandbox.run(snoop, "");
    assertThat(run.exitCode()).isZero();
    assertThat(run.stdout())
        .doesNotContain(FILE_SECRET)
        .doesNotContain(secretValue())
        .contains("FileNotFoundError")
        .contains("'HOME': '/work'");
    assertThat(score(snoop).value()).isZero();
  }

  @Test
  void writesOutsideTheWorkingDirectoryDoNotReachTheHost() throws IOException {
    Path inCheckout = Path.of("target", "written-by-sandbox").toAbsolutePath();
    Path inHome = Path.of(System.getProperty("user.home"), "written-by-sandbox");
    Path inTmp = Path.of("/tmp", "written-by-sandbox");
    String write =
        "import os\nfor p in ["
            + quoted(inCheckout)
            + ", "
            + quoted(inHome)
            + ", '/tmp/written-by-sandbox', '/written-by-sandbox', '/usr/written-by-sandbox']:\n"
            + "    try:\n        os.makedirs(os.path.dirname(p), exist_ok=True)\n"
            + "        open(p, 'w').write('x')\n        print('wrote', p)\n"
            + "    except Exception as e:\n        print(type(e).__name__, p)\n"
            + "open('here.txt', 'w').write('the working directory is writable')\n"
            + "print(open('here.txt').read())\n";
    ProgramRun run = sandbox.run(write, "");
    assertThat(run.stdout()).contains("the working directory is writable");
    assertThat(run.stdout()).contains("PermissionError /written-by-sandbox");
    assertThat(run.stdout()).contains("OSError /usr/written-by-sandbox");
    for (Path p : List.of(inCheckout, inHome, inTmp, Path.of("/written-by-sandbox"))) {
      assertThat(p).doesNotExist();
    }
    assertThat(score(write).value()).isZero();
  }

  @Test
  void aBackgroundProcessDoesNotOutliveTheRun() throws IOException {
    Path marker = Path.of("/tmp", "outlived-the-sandbox");
    String daemon =
        "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
            + "        time.sleep(5)\n        open('/tmp/outlived-the-sandbox', 'w').write('x')\n"
            + "    os._exit(0)\n"
            + READ
            + "print(sum(xs))\n";
    // the program itself is right: the daemon must not cost the reward, nor survive it
    Reward r = score(daemon);
    assertThat(r.correct()).as(r.reason()).isTrue();
    // @AfterEach: no process of a sandbox uid is left
    assertThat(marker).doesNotExist();
  }

  @Test
  void killingTheParentOrEverythingItCanSignalHurtsOnlyTheProgram() {
    ProgramRun parent =
        sandbox.run(
            "import os, signal\ntry:\n    os.kill(os.getppid(), signal.SIGKILL)\n"
                + "    print('killed parent')\nexcept PermissionError:\n    print('denied')\n",
            "");
    assertThat(parent.stdout().strip()).isEqualTo("denied");
    Reward everything = score("import os, signal\nos.kill(-1, signal.SIGKILL)");
    assertThat(everything.value()).isZero();
    // kill(-1) reaches every process the program may signal but itself: in its own PID
    // namespace, as the only process of its uid, there is none
    assertThat(everything.reason())
        .isEqualTo(
            "crashed on every test; test 1 crashed: ProcessLookupError: [Errno 3] No such process");
    // the sandbox and this JVM carry on
    assertThat(family.score(problem, family.solve(problem).completion()).correct()).isTrue();
  }

  @Test
  void theSandboxLeavesNoTemporaryFolderBehind() throws IOException {
    long before = sandboxFolders();
    sandbox.runAll("print(1)", List.of("", "", "", ""));
    assertThat(sandboxFolders()).isEqualTo(before);
  }

  private static long sandboxFolders() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("prorl-sandbox")).count();
    }
  }

  private static String quoted(Path p) {
    return "'" + p.toString().replace("'", "\\'") + "'";
  }
}
