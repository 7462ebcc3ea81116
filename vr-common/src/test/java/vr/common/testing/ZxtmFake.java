package vr.common.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A protocol fake of the Stingray/ZXTM SOAP {@code Pool} service (namespace
 * {@code http://soap.zeus.com/zxtm/1.0/}), built from the vendor's documented API because no real traffic
 * manager can run here. It checks what a real one would reject: Basic auth, the SOAPAction, RPC/encoded
 * arrays with {@code SOAP-ENC:arrayType} {@code xsd:string[n]} / {@code xsd:list[n]} (the original's suds
 * bug), and answers "Unknown pool" faults like the real service. Node states: active, disabled. Every call
 * is recorded with its time, so tests can check drain order and grace periods.
 */
public final class ZxtmFake implements AutoCloseable {
  static final String NS = "http://soap.zeus.com/zxtm/1.0/";
  static final String ENV = "http://schemas.xmlsoap.org/soap/envelope/";
  static final String ENC = "http://schemas.xmlsoap.org/soap/encoding/";

  /** One call: operation, pool names, node lists, time in ms since the fake started. */
  public record Call(String op, List<String> pools, List<List<String>> nodes, long atMillis) {}

  private final HttpServer server;
  private final String user;
  private final String password;
  private final long started = System.nanoTime();
  private final Map<String, Map<String, String>> pools = new TreeMap<>();
  private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());

  private ZxtmFake(HttpServer server, String user, String password) {
    this.server = server;
    this.user = user;
    this.password = password;
  }

  public static ZxtmFake start(String user, String password) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    ZxtmFake f = new ZxtmFake(s, user, password);
    s.createContext("/soap", f::handle);
    s.start();
    return f;
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/soap";
  }

  public List<Call> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  /** The pool's nodes and their states, or null when the pool does not exist. */
  public synchronized Map<String, String> pool(String name) {
    Map<String, String> p = pools.get(name);
    return p == null ? null : new TreeMap<>(p);
  }

  public synchronized void putPool(String name, List<String> nodes) {
    Map<String, String> m = new LinkedHashMap<>();
    nodes.forEach(n -> m.put(n, "active"));
    pools.put(name, m);
  }

  private void handle(HttpExchange ex) throws IOException {
    try {
      String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
      if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        send(ex, 401, "<html>Unauthorized</html>");
        return;
      }
      DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
      dbf.setNamespaceAware(true);
      Document doc = dbf.newDocumentBuilder().parse(new ByteArrayInputStream(ex.getRequestBody().readAllBytes()));
      Element body = (Element) doc.getElementsByTagNameNS(ENV, "Body").item(0);
      Element op = child(body, 0);
      if (op == null || !NS.equals(op.getNamespaceURI())) {
        send(ex, 500, fault("SOAP-ENV:Client", "operation not in namespace " + NS));
        return;
      }
      String action = ex.getRequestHeaders().getFirst("SOAPAction");
      if (action == null || !action.replace("\"", "").equals(NS + "Pool/" + op.getLocalName())) {
        send(ex, 500, fault("SOAP-ENV:Client", "SOAPAction " + action + " does not match " + op.getLocalName()));
        return;
      }
      List<String> names = strings(child(op, 0), true);
      List<List<String>> values = new ArrayList<>();
      Element v = child(op, 1);
      if (v != null) {
        requireArrayType(v, "xsd:list[");
        for (Element inner : children(v)) {
          values.add(strings(inner, true));
        }
      }
      calls.add(new Call(op.getLocalName(), names, values, (System.nanoTime() - started) / 1_000_000));
      send(ex, 200, respond(op.getLocalName(), names, values));
    } catch (SoapFault f) {
      send(ex, 500, fault("SOAP-ENV:Server", f.getMessage()));
    } catch (Exception e) {
      send(ex, 500, fault("SOAP-ENV:Client", "bad request: " + e));
    }
  }

  private synchronized String respond(String op, List<String> names, List<List<String>> values) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      Map<String, String> p = pools.get(name);
      List<String> nodes = i < values.size() ? values.get(i) : List.of();
      switch (op) {
        case "getNodes" -> out.append(array(p(p, name).keySet()));
        case "addPool" -> {
          if (p != null) {
            throw new SoapFault("Pool already exists");
          }
          putPool(name, nodes);
        }
        case "addNodes" -> nodes.forEach(n -> p(p, name).putIfAbsent(n, "active"));
        case "disableNodes" -> nodes.forEach(n -> p(p, name).replace(n, "disabled"));
        case "removeNodes" -> {
          for (String n : nodes) {
            if (p(p, name).remove(n) == null) {
              throw new SoapFault("Unknown node " + n);
            }
          }
        }
        case "deletePool" -> {
          p(p, name);
          pools.remove(name);
        }
        default -> throw new SoapFault("Unknown method " + op);
      }
    }
    String content = op.equals("getNodes")
        ? "<values SOAP-ENC:arrayType=\"xsd:list[" + names.size() + "]\">" + out + "</values>" : "";
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><SOAP-ENV:Envelope xmlns:SOAP-ENV=\"" + ENV + "\" xmlns:SOAP-ENC=\"" + ENC
        + "\" xmlns:zxtm=\"" + NS + "\"><SOAP-ENV:Body><zxtm:" + op + "Response>" + content + "</zxtm:" + op
        + "Response></SOAP-ENV:Body></SOAP-ENV:Envelope>";
  }

  private static Map<String, String> p(Map<String, String> p, String name) {
    if (p == null) {
      throw new SoapFault("Unknown pool");
    }
    return p;
  }

  private static String array(Iterable<String> items) {
    List<String> l = new ArrayList<>();
    items.forEach(l::add);
    StringBuilder sb = new StringBuilder("<item SOAP-ENC:arrayType=\"xsd:string[" + l.size() + "]\">");
    l.forEach(s -> sb.append("<item>").append(s).append("</item>"));
    return sb.append("</item>").toString();
  }

  private static List<String> strings(Element array, boolean check) {
    if (array == null) {
      return List.of();
    }
    if (check) {
      requireArrayType(array, "xsd:string[");
    }
    List<String> out = new ArrayList<>();
    for (Element e : children(array)) {
      out.add(e.getTextContent().strip());
    }
    String t = array.getAttributeNS(ENC, "arrayType");
    if (!t.equals("xsd:string[" + out.size() + "]")) {
      throw new SoapFault("arrayType " + t + " does not match " + out.size() + " items");
    }
    return out;
  }

  private static void requireArrayType(Element e, String prefix) {
    String t = e.getAttributeNS(ENC, "arrayType");
    if (!t.startsWith(prefix)) {
      throw new SoapFault("element " + e.getLocalName() + " needs SOAP-ENC:arrayType " + prefix + "n], has '" + t + "'");
    }
  }

  private static List<Element> children(Element e) {
    List<Element> out = new ArrayList<>();
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c) {
        out.add(c);
      }
    }
    return out;
  }

  private static Element child(Element e, int i) {
    List<Element> c = children(e);
    return i < c.size() ? c.get(i) : null;
  }

  private static String fault(String code, String msg) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><SOAP-ENV:Envelope xmlns:SOAP-ENV=\"" + ENV + "\" xmlns:zxtm=\"" + NS + "\">"
        + "<SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>" + code + "</faultcode><faultstring>" + msg.replace("<", "&lt;")
        + "</faultstring><detail><zxtm:ObjectDoesNotExist><errmsg>" + msg.replace("<", "&lt;")
        + "</errmsg></zxtm:ObjectDoesNotExist></detail></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>";
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/xml; charset=utf-8");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(b);
    }
  }

  private static final class SoapFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SoapFault(String m) {
      super(m);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
