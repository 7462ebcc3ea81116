package vr.common.supervisor;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The subset of XML-RPC that supervisord speaks, both ways. Calls are written by hand; responses are read
 * with a StAX parser that refuses any DOCTYPE (so no DTD, no entity expansion, no external entity can be
 * smuggled in), limits nesting depth, and works on a body whose size the transport has already capped.
 *
 * <p>Values map to Java as: {@code int/i4/i8} → Integer or Long, {@code boolean} → Boolean, {@code string}
 * (or untyped) → String, {@code double} → Double, {@code base64} → byte[], {@code dateTime.iso8601} → its
 * String, {@code array} → List, {@code struct} → Map (insertion ordered), {@code nil} → null.
 */
public final class XmlRpcCodec {
  /** Deeper nesting than this is not something supervisord sends; refuse it rather than recurse. */
  static final int MAX_DEPTH = 32;

  private static final XMLInputFactory FACTORY = hardenedFactory();

  private XmlRpcCodec() {}

  private static XMLInputFactory hardenedFactory() {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
    f.setProperty(XMLInputFactory.IS_COALESCING, true);
    return f;
  }

  /** A {@code methodCall} document for {@code method} with {@code params}. */
  public static byte[] encodeCall(String method, List<?> params) {
    StringBuilder sb = new StringBuilder(256);
    sb.append("<?xml version=\"1.0\"?>\n<methodCall><methodName>");
    escape(sb, method);
    sb.append("</methodName><params>");
    for (Object p : params) {
      sb.append("<param>");
      encodeValue(sb, p, 0);
      sb.append("</param>");
    }
    sb.append("</params></methodCall>\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void encodeValue(StringBuilder sb, Object v, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("XML-RPC value nested deeper than " + MAX_DEPTH);
    }
    sb.append("<value>");
    if (v == null) {
      sb.append("<nil/>");
    } else if (v instanceof String s) {
      sb.append("<string>");
      escape(sb, s);
      sb.append("</string>");
    } else if (v instanceof Boolean b) {
      sb.append("<boolean>").append(b ? '1' : '0').append("</boolean>");
    } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      sb.append("<int>").append(v).append("</int>");
    } else if (v instanceof Long l) {
      // Supervisor's Python side accepts only 32-bit ints; a larger value is a caller error, not a silent wrap.
      if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("XML-RPC int out of 32-bit range: " + l);
      }
      sb.append("<int>").append(l).append("</int>");
    } else if (v instanceof Double || v instanceof Float) {
      sb.append("<double>").append(v).append("</double>");
    } else if (v instanceof byte[] bytes) {
      sb.append("<base64>").append(Base64.getEncoder().encodeToString(bytes)).append("</base64>");
    } else if (v instanceof Map<?, ?> m) {
      sb.append("<struct>");
      for (Map.Entry<?, ?> e : m.entrySet()) {
        sb.append("<member><name>");
        escape(sb, String.valueOf(e.getKey()));
        sb.append("</name>");
        encodeValue(sb, e.getValue(), depth + 1);
        sb.append("</member>");
      }
      sb.append("</struct>");
    } else if (v instanceof List<?> list) {
      sb.append("<array><data>");
      for (Object o : list) {
        encodeValue(sb, o, depth + 1);
      }
      sb.append("</data></array>");
    } else {
      throw new IllegalArgumentException("cannot encode " + v.getClass().getName() + " as XML-RPC");
    }
    sb.append("</value>");
  }

  private static void escape(StringBuilder sb, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '\r' -> sb.append("&#13;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t') {
            throw new IllegalArgumentException("control character U+" + Integer.toHexString(c) + " cannot travel in XML");
          }
          sb.append(c);
        }
      }
    }
  }

  /**
   * Reads a {@code methodResponse}: its single value, or throws {@link XmlRpcFault} for a fault answer.
   *
   * @throws XmlRpcProtocolException when the body is not a well-formed, DTD-free XML-RPC response
   */
  public static Object decodeResponse(byte[] body) throws XmlRpcFault {
    XMLStreamReader r = null;
    try {
      r = FACTORY.createXMLStreamReader(new ByteArrayInputStream(body));
      Parser p = new Parser(r);
      p.startDocument("methodResponse");
      String kind = p.nextStart();
      if ("fault".equals(kind)) {
        p.expectStart("value");
        Object f = p.value(0);
        if (!(f instanceof Map<?, ?> m) || !(m.get("faultCode") instanceof Number code)) {
          throw new XmlRpcProtocolException("fault without an integer faultCode");
        }
        Object s = m.get("faultString");
        throw new XmlRpcFault(code.intValue(), s == null ? "" : s.toString());
      }
      if (!"params".equals(kind)) {
        throw new XmlRpcProtocolException("expected <params> or <fault>, found <" + kind + ">");
      }
      p.expectStart("param");
      p.expectStart("value");
      return p.value(0);
    } catch (XMLStreamException e) {
      throw new XmlRpcProtocolException("malformed XML-RPC response: " + e.getMessage(), e);
    } finally {
      if (r != null) {
        try {
          r.close();
        } catch (XMLStreamException ignored) {
          // nothing held but the in-memory stream
        }
      }
    }
  }

  /** A pull parser over the response; each method leaves the reader just after what it consumed. */
  private static final class Parser {
    private final XMLStreamReader r;

    Parser(XMLStreamReader r) {
      this.r = r;
    }

    /** The next event; a DTD or an entity reference anywhere in a response is refused, here only. */
    private int next() throws XMLStreamException {
      int ev = r.next();
      if (ev == XMLStreamConstants.DTD || ev == XMLStreamConstants.ENTITY_REFERENCE) {
        throw new XmlRpcProtocolException("XML-RPC response contains a DTD or entity reference; refused");
      }
      return ev;
    }

    void startDocument(String root) throws XMLStreamException {
      while (r.hasNext()) {
        int ev = next();
        if (ev == XMLStreamConstants.START_ELEMENT) {
          if (!root.equals(r.getLocalName())) {
            throw new XmlRpcProtocolException("expected <" + root + ">, found <" + r.getLocalName() + ">");
          }
          return;
        }
      }
      throw new XmlRpcProtocolException("empty XML-RPC response");
    }

    /** The next start tag's name, skipping whitespace; fails on text or an end tag. */
    String nextStart() throws XMLStreamException {
      while (r.hasNext()) {
        int ev = next();
        switch (ev) {
          case XMLStreamConstants.START_ELEMENT:
            return r.getLocalName();
          case XMLStreamConstants.CHARACTERS:
          case XMLStreamConstants.SPACE:
            if (!r.isWhiteSpace()) {
              throw new XmlRpcProtocolException("unexpected text '" + r.getText().strip() + "'");
            }
            break;
          case XMLStreamConstants.COMMENT:
          case XMLStreamConstants.PROCESSING_INSTRUCTION:
            break;
          default:
            throw new XmlRpcProtocolException("unexpected " + eventName(ev) + " where an element was expected");
        }
      }
      throw new XmlRpcProtocolException("truncated XML-RPC response");
    }

    void expectStart(String name) throws XMLStreamException {
      String got = nextStart();
      if (!name.equals(got)) {
        throw new XmlRpcProtocolException("expected <" + name + ">, found <" + got + ">");
      }
    }

    /** Skips whitespace up to the end tag that closes the current element. */
    void expectEnd(String name) throws XMLStreamException {
      while (r.hasNext()) {
        int ev = next();
        if (ev == XMLStreamConstants.END_ELEMENT) {
          if (!name.equals(r.getLocalName())) {
            throw new XmlRpcProtocolException("expected </" + name + ">, found </" + r.getLocalName() + ">");
          }
          return;
        }
        if (ev == XMLStreamConstants.START_ELEMENT) {
          throw new XmlRpcProtocolException("unexpected <" + r.getLocalName() + "> before </" + name + ">");
        }
        if ((ev == XMLStreamConstants.CHARACTERS || ev == XMLStreamConstants.SPACE) && !r.isWhiteSpace()) {
          throw new XmlRpcProtocolException("unexpected text before </" + name + ">");
        }
      }
      throw new XmlRpcProtocolException("truncated XML-RPC response");
    }

    /** Text content up to the end of the current element; no child elements allowed. */
    String text(String element) throws XMLStreamException {
      StringBuilder sb = new StringBuilder();
      while (r.hasNext()) {
        int ev = next();
        switch (ev) {
          case XMLStreamConstants.CHARACTERS:
          case XMLStreamConstants.SPACE:
          case XMLStreamConstants.CDATA:
            sb.append(r.getText());
            break;
          case XMLStreamConstants.END_ELEMENT:
            return sb.toString();
          case XMLStreamConstants.COMMENT:
            break;
          default:
            throw new XmlRpcProtocolException("unexpected " + eventName(ev) + " inside <" + element + ">");
        }
      }
      throw new XmlRpcProtocolException("truncated XML-RPC response");
    }

    /** Reads a value whose {@code <value>} start tag was just consumed, through its end tag. */
    Object value(int depth) throws XMLStreamException {
      if (depth > MAX_DEPTH) {
        throw new XmlRpcProtocolException("XML-RPC response nested deeper than " + MAX_DEPTH);
      }
      StringBuilder untyped = new StringBuilder();
      while (r.hasNext()) {
        int ev = next();
        switch (ev) {
          case XMLStreamConstants.CHARACTERS:
          case XMLStreamConstants.SPACE:
          case XMLStreamConstants.CDATA:
            untyped.append(r.getText());
            break;
          case XMLStreamConstants.COMMENT:
            break;
          case XMLStreamConstants.END_ELEMENT:
            return untyped.toString(); // <value>text</value> is a string
          case XMLStreamConstants.START_ELEMENT:
            if (!untyped.toString().isBlank()) {
              throw new XmlRpcProtocolException("text mixed with a typed value");
            }
            Object v = typed(r.getLocalName(), depth);
            expectEnd("value");
            return v;
          default:
            throw new XmlRpcProtocolException("unexpected " + eventName(ev) + " inside <value>");
        }
      }
      throw new XmlRpcProtocolException("truncated XML-RPC response");
    }

    private Object typed(String type, int depth) throws XMLStreamException {
      switch (type) {
        case "string":
          return text(type);
        case "int":
        case "i4":
          return parseInt(text(type).strip());
        case "i8":
          return parseLong(text(type).strip());
        case "boolean": {
          String t = text(type).strip();
          if (t.equals("1") || t.equals("0")) {
            return t.equals("1");
          }
          throw new XmlRpcProtocolException("bad boolean '" + t + "'");
        }
        case "double":
          try {
            return Double.parseDouble(text(type).strip());
          } catch (NumberFormatException e) {
            throw new XmlRpcProtocolException("bad double", e);
          }
        case "base64":
          try {
            return Base64.getMimeDecoder().decode(text(type).strip());
          } catch (IllegalArgumentException e) {
            throw new XmlRpcProtocolException("bad base64", e);
          }
        case "dateTime.iso8601":
          return text(type).strip();
        case "nil":
          text(type);
          return null;
        case "array":
          return array(depth);
        case "struct":
          return struct(depth);
        default:
          throw new XmlRpcProtocolException("unknown XML-RPC type <" + type + ">");
      }
    }

    private List<Object> array(int depth) throws XMLStreamException {
      expectStart("data");
      List<Object> out = new ArrayList<>();
      while (true) {
        String next = nextStartOrEnd("data");
        if (next == null) {
          break;
        }
        if (!"value".equals(next)) {
          throw new XmlRpcProtocolException("expected <value> in <data>, found <" + next + ">");
        }
        out.add(value(depth + 1));
      }
      expectEnd("array");
      return out;
    }

    private Map<String, Object> struct(int depth) throws XMLStreamException {
      Map<String, Object> out = new LinkedHashMap<>();
      while (true) {
        String next = nextStartOrEnd("struct");
        if (next == null) {
          return out;
        }
        if (!"member".equals(next)) {
          throw new XmlRpcProtocolException("expected <member> in <struct>, found <" + next + ">");
        }
        expectStart("name");
        String name = text("name");
        expectStart("value");
        out.put(name, value(depth + 1));
        expectEnd("member");
      }
    }

    /** The next start tag's name, or null when the element {@code parent} ends first. */
    private String nextStartOrEnd(String parent) throws XMLStreamException {
      while (r.hasNext()) {
        int ev = next();
        if (ev == XMLStreamConstants.START_ELEMENT) {
          return r.getLocalName();
        }
        if (ev == XMLStreamConstants.END_ELEMENT) {
          if (!parent.equals(r.getLocalName())) {
            throw new XmlRpcProtocolException("expected </" + parent + ">, found </" + r.getLocalName() + ">");
          }
          return null;
        }
        if ((ev == XMLStreamConstants.CHARACTERS || ev == XMLStreamConstants.SPACE) && !r.isWhiteSpace()) {
          throw new XmlRpcProtocolException("unexpected text in <" + parent + ">");
        }
      }
      throw new XmlRpcProtocolException("truncated XML-RPC response");
    }

    private static Object parseInt(String s) {
      try {
        return Integer.parseInt(s);
      } catch (NumberFormatException e) {
        return parseLong(s); // Python may send a wider value as <int>; keep it rather than fail
      }
    }

    private static Long parseLong(String s) {
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw new XmlRpcProtocolException("bad integer '" + s + "'", e);
      }
    }

    private static String eventName(int ev) {
      return switch (ev) {
        case XMLStreamConstants.END_DOCUMENT -> "end of document";
        case XMLStreamConstants.END_ELEMENT -> "end tag";
        case XMLStreamConstants.START_ELEMENT -> "start tag";
        default -> "XML event " + ev;
      };
    }
  }
}
