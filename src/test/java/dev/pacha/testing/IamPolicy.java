package dev.pacha.testing;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The statements of an evaluated {@code aws_iam_policy_document}, asked what IAM would answer for
 * one request: allowed when an Allow statement matches action, resource and every condition, and no
 * Deny statement matches. Wildcards {@code *} and {@code ?} as IAM reads them; a part known only
 * after apply (partition, account) matches any one ARN field.
 */
public final class IamPolicy {
  private final List<Map<String, Object>> statements;

  /**
   * @param statements the {@code statement} blocks, evaluated (see {@link HclEval})
   */
  public IamPolicy(List<Map<String, Object>> statements) {
    this.statements = statements;
  }

  public List<Map<String, Object>> statements() {
    return statements;
  }

  /** Whether a request is allowed; {@code context} holds its condition keys (s3:prefix, ...). */
  public boolean allows(String action, String resource, Map<String, String> context) {
    boolean allowed = false;
    for (Map<String, Object> st : statements) {
      if (matches(st, action, resource, context)) {
        if ("Deny".equals(st.getOrDefault("effect", "Allow"))) {
          return false;
        }
        allowed = true;
      }
    }
    return allowed;
  }

  public boolean allows(String action, String resource) {
    return allows(action, resource, Map.of());
  }

  private static boolean matches(
      Map<String, Object> st, String action, String resource, Map<String, String> context) {
    if (!any(st.get("actions"), action, true) || !any(st.get("resources"), resource, false)) {
      return false;
    }
    for (Object c : (List<?>) st.getOrDefault("condition", List.of())) {
      Map<?, ?> cond = (Map<?, ?>) c;
      String test = (String) cond.get("test");
      String value = context.get((String) cond.get("variable"));
      if (value == null) {
        return false;
      }
      boolean ok =
          switch (test) {
            case "StringLike" -> any(cond.get("values"), value, false);
            case "StringEquals" -> ((List<?>) cond.get("values")).contains(value);
            default -> throw new UnsupportedOperationException("condition test " + test);
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean any(Object patterns, String value, boolean ignoreCase) {
    if (patterns == null) {
      return false;
    }
    for (Object p : (List<?>) patterns) {
      if (glob((String) p, ignoreCase).matcher(value).matches()) {
        return true;
      }
    }
    return false;
  }

  static Pattern glob(String pattern, boolean ignoreCase) {
    StringBuilder re = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      if (c == '*') {
        re.append(".*");
      } else if (c == '?') {
        re.append('.');
      } else if (c == HclEval.UNKNOWN_CHAR) {
        re.append("[A-Za-z0-9-]+");
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
  }
}
