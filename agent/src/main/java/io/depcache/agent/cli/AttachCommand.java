package io.depcache.agent.cli;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * {@code attach <pid> [k=v,...]}: installs this jar's agent into a running JVM of the same user
 * through the JDK's attach API, and prints what the agent reported (it leaves its outcome in a
 * system property of the target JVM).
 */
final class AttachCommand implements Command {
  @Override
  public String name() {
    return "attach";
  }

  @Override
  public String summary() {
    return "install the agent into a running JVM of the same user";
  }

  @Override
  public String usage() {
    return "attach <pid> [k=v,...] [--json]";
  }

  @Override
  public String details() {
    return """
        Loads this jar into the JVM of that process id through the JDK's attach API, with the
        agent arguments given (as after -javaagent:depcache-agent.jar=), and prints what the
        agent reported there. Attaching twice does nothing and says so. Exit 0 installed (or
        already); 1 the agent refused its options; 2 bad usage, or a JVM that cannot be
        attached to.""";
  }

  @Override
  public int run(Arguments args, PrintStream out, PrintStream err) throws Arguments.UsageException {
    if (args.words().size() > 2) {
      throw new Arguments.UsageException("unexpected argument '" + args.words().get(2) + "'");
    }
    String pid = args.words().isEmpty() ? null : args.words().get(0);
    String options = args.words().size() > 1 ? args.words().get(1) : null;
    boolean json = args.json();
    if (pid == null || !pid.chars().allMatch(Character::isDigit) || pid.isEmpty()) {
      throw new Arguments.UsageException(
          "expected the process id of a running JVM (a number), got "
              + (pid == null ? "nothing" : "'" + pid + "'"));
    }
    Path agentJar;
    try {
      agentJar =
          Path.of(AttachCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      err.println("attach: cannot tell where this agent jar is: " + e);
      return 2;
    }
    Map<String, String> result = new LinkedHashMap<>();
    result.put("pid", pid);
    VirtualMachine vm;
    try {
      vm = VirtualMachine.attach(pid);
    } catch (AttachNotSupportedException e) {
      return fail(
          err,
          "cannot attach to process "
              + pid
              + ": "
              + e.getMessage()
              + " (it must be a running JVM of the same user, started without"
              + " -XX:+DisableAttachMechanism)");
    } catch (IOException e) {
      return fail(err, "cannot attach to process " + pid + ": " + e);
    }
    int status;
    try {
      Properties before = vm.getSystemProperties();
      result.put("java", before.getProperty("java.version", "?"));
      String installed = before.getProperty(Cli.INSTALLED_PROPERTY);
      if (installed != null) {
        result.put("installed", "already (" + installed + ")");
        result.put("status", "nothing done: the agent is already installed in process " + pid);
        status = 0;
      } else {
        vm.loadAgent(agentJar.toString(), options);
        String reported = vm.getSystemProperties().getProperty(Cli.STATUS_PROPERTY, "no report");
        result.put("installed", reported.startsWith("installed") ? "now" : "no");
        result.put("status", reported);
        status = reported.startsWith("installed") ? 0 : 1;
      }
    } catch (AgentLoadException e) {
      return fail(
          err,
          "process "
              + pid
              + " did not accept the agent: "
              + e.getMessage()
              + " (a JVM started with -XX:-EnableDynamicAgentLoading refuses agents loaded"
              + " after start)");
    } catch (AgentInitializationException e) {
      return fail(err, "the agent failed to start in process " + pid + ": " + e.getMessage());
    } catch (IOException e) {
      return fail(err, "lost the connection to process " + pid + ": " + e);
    } finally {
      try {
        vm.detach();
      } catch (IOException e) {
        // the target may already be gone; nothing to undo
      }
    }
    Output.print(out, result, json);
    return status;
  }

  private static int fail(PrintStream err, String message) {
    err.println("attach: " + message);
    return 2;
  }
}
