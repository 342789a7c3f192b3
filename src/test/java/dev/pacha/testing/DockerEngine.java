package dev.pacha.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Runs a test class only where a Docker engine answers (for LocalStack through Testcontainers), and
 * says why on the console where none does: the project's only skip. No Docker engine runs on this
 * project's machines or CI; the HTTP-stub tests cover the same requests there.
 */
public final class DockerEngine implements ExecutionCondition {
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (context.getTestMethod().isPresent()) {
      // Decided once, for the class.
      return ConditionEvaluationResult.enabled("the class runs");
    }
    if (DockerClientFactory.instance().isDockerAvailable()) {
      return ConditionEvaluationResult.enabled("a Docker engine answers");
    }
    String host = System.getenv("DOCKER_HOST");
    Path socket = Path.of("/var/run/docker.sock");
    String why =
        "no Docker engine answers (DOCKER_HOST "
            + (host == null ? "unset" : "= " + host)
            + ", "
            + socket
            + (Files.exists(socket) ? " does not answer" : " missing")
            + "); LocalStack needs one. The stub tests (SecretsProtocolIT, Ec2ProtocolIT) ran instead";
    System.out.println("SKIPPED " + context.getDisplayName() + ": " + why);
    return ConditionEvaluationResult.disabled(why);
  }
}
