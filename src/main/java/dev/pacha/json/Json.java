package dev.pacha.json;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The one place Jackson is used: records to JSON and back. Records map by their component names;
 * unknown fields are rejected so a damaged or foreign manifest is not half-read.
 */
public final class Json {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setSerializationInclusion(JsonInclude.Include.NON_NULL)
          // Records map by their components only; helper methods like isFile() are not fields.
          .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
          .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  /** Pretty JSON text of a record, list or map. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Streams JSON to {@code out} (large manifests never sit in memory as one byte array). */
  public static void write(OutputStream out, Object value) throws IOException {
    MAPPER.writeValue(
        new FilterOutputStream(out) {
          @Override
          public void close() throws IOException {
            flush(); // the caller owns the stream and decides when it is complete
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
          }
        },
        value);
  }

  /** Reads JSON from a stream; see {@link #read(byte[], Class)}. */
  public static <T> T read(InputStream in, Class<T> type) throws IOException {
    try {
      return MAPPER.readValue(in, type);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      int cut = why.indexOf('\n');
      throw new JsonException(cut > 0 ? why.substring(0, cut) : why);
    }
  }

  /**
   * Reads JSON into a type.
   *
   * @throws JsonException when the text is not valid JSON of that shape; the message says where
   */
  public static <T> T read(byte[] json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (IOException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      int cut = why.indexOf('\n');
      throw new JsonException(cut > 0 ? why.substring(0, cut) : why);
    }
  }

  /** The text was not valid JSON, or not of the expected shape. */
  public static final class JsonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    JsonException(String message) {
      super(message);
    }
  }
}
