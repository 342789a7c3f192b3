package dev.pacha.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pacha.testing.Hcl2Json;
import dev.pacha.testing.HclEval;
import dev.pacha.testing.HclModule;
import dev.pacha.testing.IamPolicy;
import dev.pacha.testing.PachaCli;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.yaml.snakeyaml.Yaml;

/**
 * The Terraform examples in terraform-examples/ (and the Packer templates' syntax), offline: no
 * terraform binary or AWS account here, so HashiCorp's HCL parser (npm @cdktf/hcl2json, run with
 * node) reads every file, and the checks evaluate the expressions that matter as Terraform would at
 * plan time: the user-data reaches the instance as `pacha cloud-init render` wrote it, the role
 * reaches the host's own secrets and prefix only, IMDSv2, the image tag, the group of one.
 */
class TerraformExamplesIT {
  static final Path EXAMPLES = Path.of("terraform-examples").toAbsolutePath();
  static final Path PACKER = Path.of("packer").toAbsolutePath();
  static final Path INPUTS = Path.of("cloud-init", "example").toAbsolutePath();
  static final String ASG = "aws-replacement-host";
  static final String SINGLE = "single-instance";

  /** Directory -> module, for every directory holding .tf files, and packer/. */
  static Map<Path, HclModule> modules;

  static Map<Path, Hcl2Json.Parsed> parsed;

  @TempDir Path tmp;

  @BeforeAll
  static void parseEverything() throws Exception {
    List<Path> files = new ArrayList<>(hclFiles());
    parsed = Hcl2Json.parse(files);
    Map<Path, List<Hcl2Json.Parsed>> byDir = new TreeMap<>();
    parsed.values().stream()
        .filter(p -> !p.file().toString().endsWith(".example"))
        .forEach(p -> byDir.computeIfAbsent(p.file().getParent(), d -> new ArrayList<>()).add(p));
    modules = new LinkedHashMap<>();
    byDir.forEach(
        (dir, fs) ->
            modules.put(
                dir, new HclModule(dir, fs, fs.get(0).file().toString().endsWith(".pkr.hcl"))));
  }

  /** Every .tf and .tfvars.example under terraform-examples/, every .pkr.hcl under packer/. */
  static List<Path> hclFiles() throws Exception {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> tf = Files.walk(EXAMPLES);
        Stream<Path> pkr = Files.walk(PACKER)) {
      Stream.concat(tf, pkr)
          .filter(Files::isRegularFile)
          .filter(
              p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".tf") || n.endsWith(".tfvars.example") || n.endsWith(".pkr.hcl");
              })
          .filter(p -> !p.toString().contains("/.terraform/"))
          .sorted()
          .forEach(out::add);
    }
    return out;
  }

  static HclModule example(String name) {
    return modules.get(EXAMPLES.resolve(name));
  }

  /** The example's terraform.tfvars.example, as the README has the user copy it. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> tfvars(String example) {
    return (Map<String, Object>)
        new HclEval(null)
            .eval(parsed.get(EXAMPLES.resolve(example).resolve("terraform.tfvars.example")).body());
  }

  // --- 1. syntax ------------------------------------------------------------------------------

  @Test
  void parse_everyTerraformAndPackerFile_parses() throws Exception {
    List<Path> files = hclFiles();
    assertEquals(files, List.copyOf(parsed.keySet()));
    assertTrue(
        files.stream().filter(f -> f.toString().endsWith(".tf")).count() >= 12, files::toString);
    assertTrue(
        files.stream().anyMatch(f -> f.toString().endsWith("packer/sources.pkr.hcl")),
        files::toString);
    for (Hcl2Json.Parsed p : parsed.values()) {
      assertFalse(p.body().isEmpty(), p.file() + " parsed to nothing");
    }
    for (String dir : List.of(ASG, SINGLE, "modules/pacha-host-role")) {
      assertTrue(modules.containsKey(EXAMPLES.resolve(dir)), dir + " is a module");
    }
  }

  @Test
  void parse_brokenSnippet_failsNamingFileAndLine() throws Exception {
    Path good = Files.writeString(tmp.resolve("good.tf"), "variable \"x\" {\n  type = string\n}\n");
    Path broken =
        Files.writeString(
            tmp.resolve("broken.tf"), "variable \"x\" {\n  type = \n}\nresource \"a\" \"b\" {\n");
    Path brokenPkr =
        Files.writeString(tmp.resolve("broken.pkr.hcl"), "source \"null\" \"x\" {\n  a = [1,\n}\n");
    assertEquals(1, Hcl2Json.parse(List.of(good)).size());
    for (Path bad : List.of(broken, brokenPkr)) {
      // What the other tests call (in @BeforeAll) fails the test, naming file, line and column.
      AssertionFailedError e =
          assertThrows(AssertionFailedError.class, () -> Hcl2Json.parse(List.of(good, bad)));
      assertTrue(e.getMessage().contains("does not parse"), e.getMessage());
      assertTrue(
          Pattern.compile(Pattern.quote(bad.getFileName() + ":") + "\\d+,\\d+")
              .matcher(e.getMessage())
              .find(),
          e.getMessage());
      assertFalse(e.getMessage().contains("good.tf:"), e.getMessage());
    }
  }

  // --- 2. names -------------------------------------------------------------------------------

  @Test
  void references_everyModule_resolveToDeclaredBlocks() {
    for (HclModule m : modules.values()) {
      assertEquals(List.of(), m.problems(modules), m.toString());
    }
    assertTrue(modules.containsKey(PACKER), "packer/ is checked too");
  }

  @Test
  void references_undeclaredNamesAndMissingDescriptions_areReported() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("bad"));
    Files.writeString(
        dir.resolve("main.tf"),
        """
        variable "host" {
          type = string
        }
        locals {
          a = "${var.host}-${var.nope}"
        }
        resource "aws_instance" "x" {
          ami       = data.aws_ami.nope.id
          subnet_id = aws_subnet.nope.id
          user_data = local.missing
          tags      = { Name = module.nope.name }
          dynamic "tag" {
            for_each = local.a
            content {
              key = tag.key
            }
          }
          key_name = tag.value
        }
        module "m" {
          source = "../mod"
          wrong  = 1
        }
        output "o" {
          value = module.m.missing
        }
        """);
    Path mod = Files.createDirectories(tmp.resolve("mod"));
    Files.writeString(
        mod.resolve("variables.tf"),
        "variable \"needed\" {\n  type        = string\n  description = \"d\"\n}\n");
    Map<Path, Hcl2Json.Parsed> p =
        Hcl2Json.parse(List.of(dir.resolve("main.tf"), mod.resolve("variables.tf")));
    Map<Path, HclModule> both = new HashMap<>();
    both.put(dir, new HclModule(dir, List.of(p.get(dir.resolve("main.tf"))), false));
    both.put(mod, new HclModule(mod, List.of(p.get(mod.resolve("variables.tf"))), false));
    String problems = String.join("\n", both.get(dir).problems(both));
    for (String expected :
        List.of(
            "var.nope is not declared",
            "data.aws_ami.nope.id is not declared",
            "aws_subnet.nope.id is not a declared resource",
            "local.missing is not declared",
            "module.nope.name is not declared",
            "tag.value is not a declared resource",
            "module.m.missing is not an output of ../mod",
            "module \"m\": wrong is not a variable of it",
            "module \"m\": required variable needed is not given",
            "variable \"host\" has no description",
            "output \"o\" has no description")) {
      assertTrue(problems.contains(expected), expected + " in:\n" + problems);
    }
    assertFalse(
        problems.contains("tag.key"), "a dynamic block's iterator is in scope:\n" + problems);
    assertFalse(problems.contains("var.host "), problems);
  }

  @Test
  void variables_everyRequiredOne_isInTheTfvarsExampleAndNothingElse() {
    for (String example : List.of(ASG, SINGLE)) {
      Map<String, Map<String, Object>> vars = example(example).variables();
      Map<String, Object> given = tfvars(example);
      assertTrue(vars.keySet().containsAll(given.keySet()), example + ": " + given.keySet());
      vars.forEach(
          (name, block) -> {
            if (!block.containsKey("default")) {
              assertTrue(
                  given.containsKey(name), example + ": required " + name + " not in tfvars");
            }
          });
    }
  }

  // --- 3. wiring ------------------------------------------------------------------------------

  /** The `pacha cloud-init render` command of an example's README, as arguments (no "pacha"). */
  static List<String> readmeRender(String example) throws Exception {
    String readme = Files.readString(EXAMPLES.resolve(example).resolve("README.md"));
    Matcher m = Pattern.compile("(?m)^pacha cloud-init render (?:.*\\\\\\n)*.*$").matcher(readme);
    assertTrue(m.find(), example + "/README.md shows no pacha cloud-init render command");
    List<String> args =
        new ArrayList<>(List.of(m.group().replace("\\\n", " ").trim().split("\\s+")));
    assertEquals("pacha", args.remove(0));
    return args;
  }

  /**
   * Runs the README's render command with the real CLI, in-process, with cloud-init/example/'s
   * inputs standing in for the user's files; the output lands in {@code workDir} under the name the
   * README gives (-o), which is where terraform, run in the example's directory, reads it.
   */
  Path renderAsTheReadmeSays(String example, Path workDir, Path config) throws Exception {
    List<String> args = readmeRender(example);
    Map<String, Path> inputs =
        Map.of("--config", config, "--known-hosts", INPUTS.resolve("known_hosts"));
    String out = null;
    for (int i = 0; i < args.size(); i++) {
      if (inputs.containsKey(args.get(i))) {
        args.set(i + 1, inputs.get(args.get(i)).toString());
      } else if (args.get(i).equals("-o")) {
        out = args.get(i + 1);
        args.set(i + 1, workDir.resolve(out).toString());
      }
    }
    assertNotNull(out, "the README's render command writes a file (-o)");
    PachaCli.Run r = new PachaCli(tmp).run(args.toArray(String[]::new));
    assertEquals(0, r.code(), r::toString);
    return workDir.resolve(out);
  }

  /** What the instance receives as user-data, given the example's argument for it. */
  static byte[] receivedUserData(String resourceType, String argument, Object value) {
    String text = HclEval.str(value);
    return switch (resourceType + "." + argument) {
      // The launch template and user_data_base64 take base64; EC2 decodes it once.
      case "aws_launch_template.user_data", "aws_instance.user_data_base64" ->
          Base64.getDecoder().decode(text);
      // aws_instance.user_data: the provider encodes the text itself, EC2 decodes it again.
      case "aws_instance.user_data" -> text.getBytes(StandardCharsets.UTF_8);
      default -> throw new IllegalArgumentException(resourceType + "." + argument);
    };
  }

  /** The one user-data argument of each example: resource type, name, argument. */
  static final Map<String, List<String>> USER_DATA =
      Map.of(
          ASG, List.of("aws_launch_template", "host", "user_data"),
          SINGLE, List.of("aws_instance", "host", "user_data_base64"));

  void assertUserDataArrivesAsRendered(String example, Path config, boolean gzip) throws Exception {
    Path work = Files.createDirectories(tmp.resolve(example + (gzip ? "-gz" : "")));
    Path rendered = renderAsTheReadmeSays(example, work, config);
    byte[] bytes = Files.readAllBytes(rendered);
    assertEquals(gzip, (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b, "gzip: " + gzip);

    List<String> ud = USER_DATA.get(example);
    HclModule m = example(example);
    Map<String, Object> resource = m.resource(ud.get(0) + "." + ud.get(1));
    assertNotNull(resource, example + ": " + ud);
    String expression = (String) resource.get(ud.get(2));
    assertNotNull(expression, example + ": " + ud + " sets no " + ud.get(2));
    for (String other : List.of("user_data", "user_data_base64")) {
      if (!other.equals(ud.get(2))) {
        assertFalse(resource.containsKey(other), example + ": both user_data arguments set");
      }
    }
    Matcher encodings =
        Pattern.compile("\\b(filebase64|base64encode|base64gzip)\\(").matcher(expression);
    int count = 0;
    while (encodings.find()) {
      count++;
    }
    assertEquals(1, count, example + ": base64 exactly once in " + expression);

    // The file terraform reads, relative to where it runs, is the one the README renders.
    Object value = m.evaluator(tfvars(example), work).eval(expression);
    assertArrayEquals(
        bytes,
        receivedUserData(ud.get(0), ud.get(2), value),
        example + ": the instance would not get the rendered file as it is");
    assertTrue(new String(bytes, 0, 3).equals("#cl") || gzip);
  }

  @Test
  void userData_renderedAsTheReadmeSays_reachesTheInstanceAsRendered() throws Exception {
    for (String example : List.of(ASG, SINGLE)) {
      assertUserDataArrivesAsRendered(example, INPUTS.resolve("pacha.conf"), false);
    }
  }

  @Test
  void userData_overTheLimitSoGzipped_stillReachesTheInstanceAsRendered() throws Exception {
    StringBuilder big = new StringBuilder(Files.readString(INPUTS.resolve("pacha.conf")));
    for (int i = 0; i < 600; i++) {
      big.append("# a long comment line number ").append(i).append(" to pass the limit\n");
    }
    Path config = Files.writeString(tmp.resolve("big.conf"), big);
    for (String example : List.of(ASG, SINGLE)) {
      assertUserDataArrivesAsRendered(example, config, true);
    }
    // Why the README says only filebase64 works for gzip: file() takes only UTF-8 text.
    HclEval eval = example(ASG).evaluator(tfvars(ASG), tmp.resolve(ASG + "-gz"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> eval.eval("${base64encode(file(\"user-data\"))}"));
    assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
  }

  @Test
  void userData_encodedTwiceOrByTheWrongArgument_isCaught() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("twice"));
    Path rendered = renderAsTheReadmeSays(ASG, work, INPUTS.resolve("pacha.conf"));
    HclEval eval = example(ASG).evaluator(tfvars(ASG), work);
    byte[] bytes = Files.readAllBytes(rendered);
    Object twice = eval.eval("${base64encode(filebase64(var.user_data_file))}");
    assertFalse(Arrays.equals(bytes, receivedUserData("aws_launch_template", "user_data", twice)));
    Object encoded = eval.eval("${filebase64(var.user_data_file)}");
    assertFalse(Arrays.equals(bytes, receivedUserData("aws_instance", "user_data", encoded)));
  }

  /** The module "role" of an example, evaluated with the arguments the example passes. */
  static IamPolicy policy(String example, Map<String, Object> vars, String document) {
    HclModule m = example(example);
    Map<String, Object> call = m.modules().get("role");
    HclModule role = modules.get(m.dir().resolve((String) call.get("source")).normalize());
    HclEval outer = m.evaluator(vars, m.dir());
    Map<String, Object> args = new HashMap<>();
    call.forEach(
        (k, v) -> {
          if (!k.equals("source")) {
            args.put(k, outer.eval(v));
          }
        });
    HclEval inner = role.evaluator(args, role.dir());
    Map<String, Object> doc = role.data("aws_iam_policy_document." + document);
    assertNotNull(doc, document);
    Object count = doc.containsKey("count") ? inner.eval(doc.get("count")) : BigDecimal.ONE;
    if (((BigDecimal) count).signum() == 0) {
      return new IamPolicy(List.of());
    }
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> statements =
        (List<Map<String, Object>>) inner.eval(doc.get("statement"));
    return new IamPolicy(statements);
  }

  static String ssmArn(String region, String name) {
    return "arn:aws:ssm:" + region + ":111122223333:parameter" + name;
  }

  @Test
  void iamPolicy_secretsModeOfTheRenderedUserData_letsTheHostReadItsOwnIdentityOnly()
      throws Exception {
    for (String example : List.of(ASG, SINGLE)) {
      Map<String, Object> vars = tfvars(example);
      String host = (String) vars.get("host");
      String region = (String) vars.get("region");
      List<String> render = readmeRender(example);
      assertEquals(host, render.get(render.indexOf("--host") + 1), "README and tfvars: one host");

      // What the first-boot runner will fetch: pacha.boot.secrets of the rendered config, plus
      // /identity (FirstBootService).
      Path work = Files.createDirectories(tmp.resolve("secrets-" + example));
      Path rendered = renderAsTheReadmeSays(example, work, INPUTS.resolve("pacha.conf"));
      Map<String, Object> doc = new Yaml().load(Files.readString(rendered));
      String conf =
          ((List<?>) doc.get("write_files"))
              .stream()
                  .map(f -> (Map<?, ?>) f)
                  .filter(f -> "/etc/pacha/pacha.conf".equals(f.get("path")))
                  .map(f -> (String) f.get("content"))
                  .findFirst()
                  .orElseThrow();
      Matcher secrets = Pattern.compile("(?m)^pacha\\.boot\\.secrets = ssm:(\\S+)$").matcher(conf);
      assertTrue(secrets.find(), "secrets mode: " + conf);
      assertEquals("/pacha/" + host, secrets.group(1));
      assertFalse(Files.readString(rendered).contains("/etc/pacha/id_master\n    owner"), "no key");
      String parameter = secrets.group(1) + "/identity";

      IamPolicy p = policy(example, vars, "secrets");
      for (String action : List.of("ssm:GetParameter", "ssm:GetParameters")) {
        assertTrue(p.allows(action, ssmArn(region, parameter)), example + " " + action);
      }
      for (String other :
          List.of("/pacha/baz/identity", "/pacha/" + host + "x/identity", "/pacha/identity")) {
        assertFalse(p.allows("ssm:GetParameter", ssmArn(region, other)), other);
      }
      assertFalse(p.allows("ssm:GetParameter", ssmArn("us-west-2", parameter)), "other region");
      assertFalse(p.allows("ssm:PutParameter", ssmArn(region, parameter)), "read only");

      // SecureString: decrypt with the default key, through SSM only.
      String key = "arn:aws:kms:" + region + ":111122223333:key/1234abcd-12ab-34cd-56ef";
      Map<String, String> viaSsm = Map.of("kms:ViaService", "ssm." + region + ".amazonaws.com");
      assertTrue(p.allows("kms:Decrypt", key, viaSsm));
      assertFalse(p.allows("kms:Decrypt", key), "not directly");
      assertFalse(p.allows("kms:Decrypt", key, Map.of("kms:ViaService", "s3.x.amazonaws.com")));

      // A key of one's own: that key only.
      Map<String, Object> own = new HashMap<>(vars);
      own.put("kms_key_arn", key);
      IamPolicy withKey = policy(example, own, "secrets");
      assertTrue(withKey.allows("kms:Decrypt", key, viaSsm));
      assertFalse(withKey.allows("kms:Decrypt", key.replace("1234abcd", "9999ffff"), viaSsm));
    }
  }

  @Test
  void iamPolicy_s3Master_coversTheHostsPrefixOnlyAndIsAppendOnly() {
    for (String example : List.of(ASG, SINGLE)) {
      Map<String, Object> vars = new HashMap<>(tfvars(example));
      assertEquals(List.of(), policy(example, vars, "s3").statements(), "no bucket, no S3");
      vars.put("s3_bucket", "acme-pacha");
      vars.put("s3_prefix", "hosts");
      String host = (String) vars.get("host");
      IamPolicy p = policy(example, vars, "s3");
      String bucket = "arn:aws:s3:::acme-pacha";
      // How S3Backend lists: a directory's key with a trailing slash.
      for (String prefix : List.of("hosts/" + host + "/", "hosts/" + host + "/snapshots/")) {
        assertTrue(p.allows("s3:ListBucket", bucket, Map.of("s3:prefix", prefix)), prefix);
      }
      for (String prefix : List.of("hosts/", "", "hosts/baz/", "hosts/" + host + "x/")) {
        assertFalse(p.allows("s3:ListBucket", bucket, Map.of("s3:prefix", prefix)), prefix);
      }
      for (String action : List.of("s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload")) {
        assertTrue(p.allows(action, bucket + "/hosts/" + host + "/latest"), action);
        assertTrue(p.allows(action, bucket + "/hosts/" + host + "/packs/ab.pack"), action);
        for (String other : List.of("hosts/baz/latest", "hosts/" + host + "x/latest", "latest")) {
          assertFalse(p.allows(action, bucket + "/" + other), action + " " + other);
        }
      }
      assertTrue(p.allows("s3:GetObject", bucket + "/hosts/" + host + "/pacha_pre/10-users"));
      // Append-only: no deleting, and the hooks are the operator's.
      for (String key : List.of("latest", "packs/ab.pack", "snapshots/x.json")) {
        String arn = bucket + "/hosts/" + host + "/" + key;
        assertFalse(p.allows("s3:DeleteObject", arn), key);
        assertFalse(p.allows("s3:DeleteObjectVersion", arn), key);
      }
      for (String hook :
          List.of(
              "pacha_pre/00-persist",
              "pacha_post/x",
              "pre_pacha/x",
              "post_pacha/x",
              "hooks.json",
              "hooks.json.sig")) {
        assertFalse(p.allows("s3:PutObject", bucket + "/hosts/" + host + "/" + hook), hook);
      }
      assertFalse(p.allows("s3:DeleteBucket", bucket), "objects only");
    }
  }

  @Test
  void imds_everyInstance_requiresIMDSv2() {
    Map<String, Object> lt = example(ASG).resource("aws_launch_template.host");
    Map<String, Object> instance = example(SINGLE).resource("aws_instance.host");
    for (Map<String, Object> r : List.of(lt, instance)) {
      Map<?, ?> md = (Map<?, ?>) ((List<?>) r.get("metadata_options")).get(0);
      assertEquals("required", md.get("http_tokens"));
      assertEquals("enabled", md.get("http_endpoint"));
      assertEquals(1, ((Number) md.get("http_put_response_hop_limit")).intValue());
    }
  }

  @Test
  void image_filterTag_isTheTagPackerPutsOnTheImage() {
    // What the Packer template tags the AMI with: source amazon-ebs's tags, evaluated.
    HclModule packer = modules.get(PACKER);
    Map<?, ?> sources = (Map<?, ?>) packer.blocks("source").get(0);
    Map<?, ?> source =
        (Map<?, ?>) ((List<?>) ((Map<?, ?>) sources.get("amazon-ebs")).get("debian")).get(0);
    Map<?, ?> amiTags =
        (Map<?, ?>) packer.evaluator(Map.of("pacha_deb", "x.deb"), PACKER).eval(source.get("tags"));
    assertEquals("base", amiTags.get("pacha:role"), amiTags.toString());

    for (String example : List.of(ASG, SINGLE)) {
      HclModule m = example(example);
      Map<String, Map<String, Object>> amis = m.dataOfType("aws_ami");
      assertEquals(1, amis.size(), example);
      Map<String, Object> ami = amis.values().iterator().next();
      assertEquals(true, ami.get("most_recent"));
      assertEquals(List.of("self"), ami.get("owners"));
      boolean matched = false;
      for (Object f : (List<?>) ami.get("filter")) {
        Map<?, ?> filter = (Map<?, ?>) f;
        String name = (String) filter.get("name");
        assertTrue(name.startsWith("tag:"), example + ": filters by tag only: " + name);
        Object tagged = amiTags.get(name.substring(4));
        assertNotNull(tagged, example + ": Packer sets no tag " + name);
        assertTrue(((List<?>) filter.get("values")).contains(tagged), example + " " + filter);
        matched = true;
      }
      assertTrue(matched, example);

      // Unless an image id is given.
      List<String> ud = USER_DATA.get(example);
      Map<String, Object> r = m.resource(ud.get(0) + "." + ud.get(1));
      Object image = r.getOrDefault("image_id", r.get("ami"));
      Map<String, Object> vars = new HashMap<>(tfvars(example));
      assertEquals(HclEval.UNKNOWN, m.evaluator(vars, m.dir()).eval(image), "the data source");
      assertTrue(((String) image).contains("data.aws_ami."), image.toString());
      vars.put("image_id", "ami-0123456789abcdef0");
      assertEquals("ami-0123456789abcdef0", m.evaluator(vars, m.dir()).eval(image));
    }
  }

  @Test
  void autoscalingGroup_ofOne_launchesTheLatestTemplate() {
    HclModule m = example(ASG);
    Map<String, Map<String, Object>> groups = m.resources("aws_autoscaling_group");
    assertEquals(List.of("host"), List.copyOf(groups.keySet()));
    Map<String, Object> asg = groups.get("host");
    HclEval eval = m.evaluator(tfvars(ASG), m.dir());
    for (String size : List.of("min_size", "max_size", "desired_capacity")) {
      assertEquals(0, BigDecimal.ONE.compareTo((BigDecimal) eval.eval(asg.get(size))), size);
    }
    assertEquals(tfvars(ASG).get("subnet_ids"), eval.eval(asg.get("vpc_zone_identifier")));
    Map<?, ?> lt = (Map<?, ?>) ((List<?>) asg.get("launch_template")).get(0);
    assertEquals("${aws_launch_template.host.id}", lt.get("id"));
    assertEquals("${aws_launch_template.host.latest_version}", lt.get("version"));
  }

  @Test
  void tags_everyInstance_isNamedAndTaggedAsTheHost() {
    Map<String, Object> expected = Map.of("Name", "bar", "pacha:host", "bar");
    HclModule asg = example(ASG);
    HclEval a = asg.evaluator(tfvars(ASG), asg.dir());
    List<String> tagged = new ArrayList<>();
    for (Object spec :
        (List<?>) asg.resource("aws_launch_template.host").get("tag_specifications")) {
      Map<?, ?> s = (Map<?, ?>) spec;
      assertEquals(expected, a.eval(s.get("tags")), s.toString());
      tagged.add((String) s.get("resource_type"));
    }
    assertEquals(List.of("instance", "volume"), tagged);

    HclModule single = example(SINGLE);
    HclEval s = single.evaluator(tfvars(SINGLE), single.dir());
    Map<String, Object> instance = single.resource("aws_instance.host");
    assertEquals(expected, s.eval(instance.get("tags")));
    assertEquals(expected, s.eval(instance.get("volume_tags")));

    // Extra tags merge in, and never replace the two.
    Map<String, Object> vars = new HashMap<>(tfvars(SINGLE));
    vars.put("tags", Map.of("team", "ops", "Name", "other"));
    assertEquals(
        Map.of("Name", "bar", "pacha:host", "bar", "team", "ops"),
        single.evaluator(vars, single.dir()).eval(instance.get("tags")));
  }

  @Test
  void readme_eachExample_givesCommandsCostAndSecurityNotes() throws Exception {
    for (String example : List.of(ASG, SINGLE)) {
      String readme = Files.readString(EXAMPLES.resolve(example).resolve("README.md"));
      for (String needed :
          List.of(
              "## What it creates",
              "## Commands",
              "## What it costs",
              "## Security notes",
              "terraform init",
              "terraform plan",
              "terraform apply",
              "terraform destroy",
              "aws ssm put-parameter",
              "--secrets ssm:/pacha/<host>",
              "16,384 bytes",
              "filebase64",
              "t3.micro",
              "per hour",
              "IMDSv2")) {
        assertTrue(readme.contains(needed), example + "/README.md lacks " + needed);
      }
      // Render first, then terraform.
      assertTrue(readme.indexOf("pacha cloud-init render") < readme.indexOf("terraform init"));
    }
  }
}
