package dev.pacha.cloudinit;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads rendered cloud-config back with a YAML parser and checks that it says exactly what was
 * meant: only the module keys pacha uses, and every file with its path, owner, mode and content.
 * The only user of SnakeYAML.
 */
final class UserDataCheck {
  /** The cloud-config modules pacha's user-data uses (cloud-init's schema lets unknown keys by). */
  static final Set<String> KEYS = Set.of("write_files");

  private UserDataCheck() {}

  static void check(String cloudConfig, List<UserDataService.FileSpec> files) {
    if (!cloudConfig.startsWith("#cloud-config\n")) {
      throw new IllegalStateException("rendered user-data lacks the #cloud-config header");
    }
    Object doc;
    try {
      doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(cloudConfig);
    } catch (YAMLException e) {
      throw new IllegalStateException("rendered user-data is not valid YAML: " + e.getMessage(), e);
    }
    if (!(doc instanceof Map<?, ?> map) || !map.keySet().equals(KEYS)) {
      throw new IllegalStateException("rendered user-data has unexpected keys: " + doc);
    }
    Object written = map.get("write_files");
    if (!(written instanceof List<?> list) || list.size() != files.size()) {
      throw new IllegalStateException("rendered write_files does not list every file");
    }
    for (int i = 0; i < files.size(); i++) {
      UserDataService.FileSpec want = files.get(i);
      Map<?, ?> got = (Map<?, ?>) list.get(i);
      String content = String.valueOf(got.get("content"));
      if ("b64".equals(got.get("encoding"))) {
        content =
            new String(
                java.util.Base64.getDecoder().decode(content),
                java.nio.charset.StandardCharsets.UTF_8);
      }
      if (!want.path().equals(got.get("path"))
          || !want.owner().equals(got.get("owner"))
          || !want.permissions().equals(got.get("permissions"))
          || !want.content().equals(content)) {
        throw new IllegalStateException(
            "rendered write_files entry for " + want.path() + " differs from what was meant");
      }
    }
  }
}
