package dev.pacha.render;

import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Locale;
import java.util.Map;

/**
 * The one Freemarker configuration: templates come from {@code templates/} in the repository,
 * shipped in the jar. The only user of Freemarker; its exceptions become IllegalStateException
 * here, since a broken template is a bug in pacha, not an operator's mistake.
 */
public final class Templates {
  private static final Configuration CONFIG = configure();

  private Templates() {}

  private static Configuration configure() {
    Configuration c = new Configuration(Configuration.VERSION_2_3_34);
    c.setClassForTemplateLoading(Templates.class, "/templates");
    c.setDefaultEncoding("UTF-8");
    c.setLocale(Locale.ROOT);
    c.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
    c.setLogTemplateExceptions(false);
    c.setWrapUncheckedExceptions(true);
    c.setFallbackOnNullLoopVariable(false);
    return c;
  }

  /** Renders {@code templates/<name>} with a model of plain maps, lists and strings. */
  public static String render(String name, Map<String, Object> model) {
    try {
      Template t = CONFIG.getTemplate(name);
      StringWriter out = new StringWriter();
      t.process(model, out);
      return out.toString();
    } catch (IOException | TemplateException e) {
      throw new IllegalStateException("template " + name + " failed: " + e.getMessage(), e);
    }
  }
}
