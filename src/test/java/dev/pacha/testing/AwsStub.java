package dev.pacha.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An HTTP stub of SSM, Secrets Manager and EC2 on 127.0.0.1 (WireMock), for checking the requests
 * the AWS SDK sends and how pacha takes AWS's answers, where no LocalStack can run. SSM and Secrets
 * Manager speak JSON 1.1 (the operation in X-Amz-Target), EC2 the query protocol (a form with
 * Action=…) with XML answers. Signatures are not checked.
 */
public final class AwsStub implements AutoCloseable {
  public static final String REGION = "us-east-1";
  private static final String JSON = "application/x-amz-json-1.1";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final WireMockServer server;

  private AwsStub(WireMockServer server) {
    this.server = server;
  }

  public static AwsStub start() {
    WireMockServer s = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    s.start();
    return new AwsStub(s);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  /** Config lines that point pacha's SSM, Secrets Manager and EC2 clients here. */
  public String[] configLines() {
    return new String[] {"pacha.aws.endpoint = " + endpoint(), "pacha.aws.region = " + REGION};
  }

  /** Answers the JSON operation {@code target} ("AmazonSSM.GetParameter") with {@code body}. */
  public void json(String target, String body) {
    server.stubFor(
        post(urlEqualTo("/"))
            .withHeader("X-Amz-Target", equalTo(target))
            .willReturn(
                aResponse().withStatus(200).withHeader("Content-Type", JSON).withBody(body)));
  }

  /** One answer of a JSON operation: status and body. */
  public record Answer(int status, String body) {}

  /** Answers the JSON operation with each of {@code answers} in turn, then the last one again. */
  public void jsonSequence(String target, Answer... answers) {
    for (int i = 0; i < answers.length; i++) {
      String state = i == 0 ? Scenario.STARTED : target + "-" + i;
      String next = target + "-" + Math.min(i + 1, answers.length - 1);
      server.stubFor(
          post(urlEqualTo("/"))
              .inScenario(target)
              .whenScenarioStateIs(state)
              .willSetStateTo(i == answers.length - 1 ? state : next)
              .withHeader("X-Amz-Target", equalTo(target))
              .willReturn(
                  aResponse()
                      .withStatus(answers[i].status())
                      .withHeader("Content-Type", JSON)
                      .withBody(answers[i].body())));
    }
  }

  /** Answers a JSON operation with an AWS error, as SSM and Secrets Manager send them. */
  public void jsonError(String target, int status, String code, String message) {
    server.stubFor(
        post(urlEqualTo("/"))
            .withHeader("X-Amz-Target", equalTo(target))
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withHeader("Content-Type", JSON)
                    .withHeader("x-amzn-ErrorType", code)
                    .withBody("{\"__type\":\"" + code + "\",\"message\":\"" + message + "\"}")));
  }

  /** Answers the EC2 query action with {@code xml}. */
  public void query(String action, String xml) {
    server.stubFor(
        post(urlEqualTo("/"))
            .withRequestBody(containing("Action=" + action + "&"))
            .willReturn(
                aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody(xml)));
  }

  /** Answers the EC2 query action with each of {@code xmls} in turn, then the last one again. */
  public void querySequence(String action, String... xmls) {
    for (int i = 0; i < xmls.length; i++) {
      String state = i == 0 ? Scenario.STARTED : action + "-" + i;
      String next = action + "-" + Math.min(i + 1, xmls.length - 1);
      server.stubFor(
          post(urlEqualTo("/"))
              .inScenario(action)
              .whenScenarioStateIs(state)
              .willSetStateTo(i == xmls.length - 1 ? state : next)
              .withRequestBody(containing("Action=" + action + "&"))
              .willReturn(
                  aResponse()
                      .withStatus(200)
                      .withHeader("Content-Type", "text/xml")
                      .withBody(xmls[i])));
    }
  }

  /** Answers an EC2 query action with an AWS error, as EC2 sends them. */
  public void queryError(String action, int status, String code, String message) {
    server.stubFor(
        post(urlEqualTo("/"))
            .withRequestBody(containing("Action=" + action + "&"))
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withHeader("Content-Type", "text/xml")
                    .withBody(
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>"
                            + code
                            + "</Code><Message>"
                            + message
                            + "</Message></Error></Errors>"
                            + "<RequestID>0f4c1a2e-stub</RequestID></Response>")));
  }

  /** The JSON bodies of the requests sent for {@code target}, in order. */
  public List<JsonNode> jsonRequests(String target) {
    List<JsonNode> out = new ArrayList<>();
    for (LoggedRequest r :
        server.findAll(
            postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(target)))) {
      try {
        out.add(MAPPER.readTree(r.getBodyAsString()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /** The form parameters of the EC2 requests sent for {@code action}, in order. */
  public List<Map<String, String>> queryRequests(String action) {
    List<Map<String, String>> out = new ArrayList<>();
    for (LoggedRequest r : server.findAll(postRequestedFor(urlEqualTo("/")))) {
      Map<String, String> form = new LinkedHashMap<>();
      for (String pair : r.getBodyAsString().split("&")) {
        int eq = pair.indexOf('=');
        form.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
      if (action.equals(form.get("Action"))) {
        out.add(form);
      }
    }
    return out;
  }

  public void reset() {
    server.resetAll();
  }

  @Override
  public void close() {
    server.stop();
  }
}
