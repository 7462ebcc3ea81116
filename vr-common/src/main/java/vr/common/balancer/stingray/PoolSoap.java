package vr.common.balancer.stingray;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import vr.common.VrException;

/**
 * A client for the traffic manager's SOAP {@code Pool} service (namespace
 * {@code http://soap.zeus.com/zxtm/1.0/}), RPC/encoded as in its WSDL: every operation takes an array of
 * pool names and, where nodes are involved, an array of arrays of {@code host:port} strings. The arrays of
 * arrays carry {@code SOAP-ENC:arrayType="xsd:list[n]"} on the outer and {@code xsd:string[m]} on each inner
 * array, which the original had to patch into suds by hand (its FixArrayPlugin).
 */
final class PoolSoap {
  static final String NS = "http://soap.zeus.com/zxtm/1.0/";
  private final URI url;
  private final String auth;
  private final HttpClient http;

  PoolSoap(URI url, String user, String password) {
    this.url = url;
    this.auth = user == null ? null
        : "Basic " + Base64.getEncoder().encodeToString((user + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(15)).build();
  }

  /** A SOAP fault: {@code message} is the faultstring (e.g. "Unknown pool"). */
  static final class Fault extends VrException {
    private static final long serialVersionUID = 1L;

    Fault(String message) {
      super(message);
    }

    boolean unknownPool() {
      return getMessage().contains("Unknown pool");
    }
  }

  /** Calls {@code op} with the pool names and, when {@code nodes} is not null, one node list per pool. */
  List<List<String>> call(String op, List<String> pools, List<List<String>> nodes) {
    StringBuilder body = new StringBuilder();
    body.append("<names SOAP-ENC:arrayType=\"xsd:string[").append(pools.size()).append("]\" xsi:type=\"zxtm:StringArray\">");
    for (String p : pools) {
      body.append("<item xsi:type=\"xsd:string\">").append(xml(p)).append("</item>");
    }
    body.append("</names>");
    if (nodes != null) {
      body.append("<values SOAP-ENC:arrayType=\"xsd:list[").append(nodes.size()).append("]\" xsi:type=\"zxtm:StringArrayArray\">");
      for (List<String> list : nodes) {
        body.append("<item SOAP-ENC:arrayType=\"xsd:string[").append(list.size()).append("]\" xsi:type=\"zxtm:StringArray\">");
        for (String n : list) {
          body.append("<item xsi:type=\"xsd:string\">").append(xml(n)).append("</item>");
        }
        body.append("</item>");
      }
      body.append("</values>");
    }
    String envelope = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\""
        + " xmlns:SOAP-ENC=\"http://schemas.xmlsoap.org/soap/encoding/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
        + " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:zxtm=\"" + NS + "\""
        + " SOAP-ENV:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">"
        + "<SOAP-ENV:Body><zxtm:" + op + ">" + body + "</zxtm:" + op + "></SOAP-ENV:Body></SOAP-ENV:Envelope>";
    HttpRequest.Builder rb = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "text/xml; charset=utf-8")
        .header("SOAPAction", "\"" + NS + "Pool/" + op + "\"")
        .POST(HttpRequest.BodyPublishers.ofString(envelope, StandardCharsets.UTF_8));
    if (auth != null) {
      rb.header("Authorization", auth);
    }
    HttpResponse<byte[]> resp;
    try {
      resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new VrException("cannot reach " + url + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VrException("interrupted while calling " + url);
    }
    Document doc = parse(resp.body(), resp.statusCode());
    NodeList faults = doc.getElementsByTagNameNS("http://schemas.xmlsoap.org/soap/envelope/", "Fault");
    if (faults.getLength() > 0) {
      throw new Fault(faultText((Element) faults.item(0)));
    }
    if (resp.statusCode() != 200) {
      throw new VrException(op + " on " + url + ": HTTP " + resp.statusCode());
    }
    return arrays(doc);
  }

  private Document parse(byte[] body, int status) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setExpandEntityReferences(false);
      return f.newDocumentBuilder().parse(new ByteArrayInputStream(body));
    } catch (Exception e) {
      throw new VrException(url + " answered HTTP " + status + " without a SOAP envelope: " + e.getMessage());
    }
  }

  private static String faultText(Element fault) {
    String s = text(fault, "faultstring");
    String detail = text(fault, "errmsg");
    return s.isEmpty() ? detail : detail.isEmpty() || s.contains(detail) ? s : s + ": " + detail;
  }

  private static String text(Element e, String local) {
    NodeList l = e.getElementsByTagNameNS("*", local);
    if (l.getLength() == 0) {
      l = e.getElementsByTagName(local);
    }
    return l.getLength() == 0 ? "" : l.item(0).getTextContent().strip();
  }

  /** The response's array of arrays of strings (the first child of the response element); empty when void. */
  private static List<List<String>> arrays(Document doc) {
    List<List<String>> out = new ArrayList<>();
    Element bodyEl = (Element) doc.getElementsByTagNameNS("http://schemas.xmlsoap.org/soap/envelope/", "Body").item(0);
    Element resp = bodyEl == null ? null : firstChild(bodyEl);
    Element values = resp == null ? null : firstChild(resp);
    if (values == null) {
      return out;
    }
    for (Node n = values.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element outer) {
        List<String> inner = new ArrayList<>();
        for (Node m = outer.getFirstChild(); m != null; m = m.getNextSibling()) {
          if (m instanceof Element item) {
            inner.add(item.getTextContent().strip());
          }
        }
        out.add(inner);
      }
    }
    return out;
  }

  private static Element firstChild(Element e) {
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c) {
        return c;
      }
    }
    return null;
  }

  static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
