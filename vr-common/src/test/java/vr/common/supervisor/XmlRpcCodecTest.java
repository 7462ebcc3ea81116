package vr.common.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class XmlRpcCodecTest {

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void encodesACallWithEscapedStringsIntsAndBooleans() {
    String xml = new String(XmlRpcCodec.encodeCall("supervisor.startProcess", List.of("a<&>b", 7, true)), StandardCharsets.UTF_8);
    assertThat(xml).contains("<methodName>supervisor.startProcess</methodName>")
        .contains("<param><value><string>a&lt;&amp;&gt;b</string></value></param>")
        .contains("<param><value><int>7</int></value></param>")
        .contains("<param><value><boolean>1</boolean></value></param>");
  }

  @Test
  void refusesToEncodeControlCharactersAndWideInts() {
    assertThatThrownBy(() -> XmlRpcCodec.encodeCall("m", List.of("a\u0001"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> XmlRpcCodec.encodeCall("m", List.of(1L << 40))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void decodesSupervisorsPrettyPrintedStructArray() throws Exception {
    // the shape (and whitespace) Python's xmlrpc.client produces for getAllProcessInfo
    String xml = "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n"
        + "<value><struct>\n<member>\n<name>name</name>\n<value><string>web</string></value>\n</member>\n"
        + "<member>\n<name>pid</name>\n<value><int>23582</int></value>\n</member>\n"
        + "<member>\n<name>description</name>\n<value>pid 1, uptime 0:00:01</value>\n</member>\n"
        + "<member>\n<name>empty</name>\n<value><string></string></value>\n</member>\n"
        + "<member>\n<name>ok</name>\n<value><boolean>0</boolean></value>\n</member>\n"
        + "</struct></value>\n</data></array></value>\n</param>\n</params>\n</methodResponse>\n";
    Object v = XmlRpcCodec.decodeResponse(b(xml));
    assertThat(v).isEqualTo(List.of(Map.of("name", "web", "pid", 23582, "description", "pid 1, uptime 0:00:01",
        "empty", "", "ok", false)));
  }

  @Test
  void decodesEntitiesNilDoubleBase64AndI8() throws Exception {
    String xml = "<methodResponse><params><param><value><array><data>"
        + "<value><string>a &amp; b &lt;c&gt; &#233;</string></value><value><nil/></value>"
        + "<value><double>1.5</double></value><value><base64>aGk=</base64></value><value><i8>8589934592</i8></value>"
        + "<value><array><data></data></array></value>"
        + "</data></array></value></param></params></methodResponse>";
    List<?> v = (List<?>) XmlRpcCodec.decodeResponse(b(xml));
    assertThat(v.get(0)).isEqualTo("a & b <c> é");
    assertThat(v.get(1)).isNull();
    assertThat(v.get(2)).isEqualTo(1.5);
    assertThat((byte[]) v.get(3)).isEqualTo(b("hi"));
    assertThat(v.get(4)).isEqualTo(8589934592L);
    assertThat(v.get(5)).isEqualTo(List.of());
  }

  @Test
  void faultBecomesXmlRpcFaultWithCodeAndString() {
    String xml = "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n"
        + "<member>\n<name>faultCode</name>\n<value><int>10</int></value>\n</member>\n"
        + "<member>\n<name>faultString</name>\n<value><string>BAD_NAME: nope</string></value>\n</member>\n"
        + "</struct></value>\n</fault>\n</methodResponse>\n";
    assertThatThrownBy(() -> XmlRpcCodec.decodeResponse(b(xml)))
        .isInstanceOfSatisfying(XmlRpcFault.class, f -> {
          assertThat(f.code()).isEqualTo(10);
          assertThat(f.faultString()).isEqualTo("BAD_NAME: nope");
        });
  }

  @Test
  void refusesADoctypeWithAnInternalEntity() {
    String xml = "<?xml version='1.0'?><!DOCTYPE m [<!ENTITY x \"boom\">]><methodResponse><params><param>"
        + "<value><string>&x;</string></value></param></params></methodResponse>";
    assertThatThrownBy(() -> XmlRpcCodec.decodeResponse(b(xml))).isInstanceOf(XmlRpcProtocolException.class);
  }

  @Test
  void refusesAnExternalEntityWithoutReadingTheFile() {
    String xml = "<?xml version='1.0'?><!DOCTYPE m [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><methodResponse><params>"
        + "<param><value><string>&x;</string></value></param></params></methodResponse>";
    assertThatThrownBy(() -> XmlRpcCodec.decodeResponse(b(xml)))
        .isInstanceOf(XmlRpcProtocolException.class)
        .hasMessageNotContaining("root:");
  }

  @Test
  void refusesAnUndeclaredEntityReference() {
    String xml = "<methodResponse><params><param><value><string>&lol;</string></value></param></params></methodResponse>";
    assertThatThrownBy(() -> XmlRpcCodec.decodeResponse(b(xml))).isInstanceOf(XmlRpcProtocolException.class);
  }

  @Test
  void refusesNestingDeeperThanTheLimit() {
    StringBuilder sb = new StringBuilder("<methodResponse><params><param><value>");
    int depth = XmlRpcCodec.MAX_DEPTH + 5;
    sb.append("<array><data><value>".repeat(depth)).append("<int>1</int>").append("</value></data></array>".repeat(depth));
    sb.append("</value></param></params></methodResponse>");
    assertThatThrownBy(() -> XmlRpcCodec.decodeResponse(b(sb.toString())))
        .isInstanceOf(XmlRpcProtocolException.class).hasMessageContaining("deeper");
  }

  @Test
  void refusesMalformedAndUnexpectedDocuments() {
    assertThatThrownBy(() -> XmlRpcCodec.decodeResponse(b("<html>nope</html>")))
        .isInstanceOf(XmlRpcProtocolException.class).hasMessageContaining("methodResponse");
    assertThatThrownBy(() -> XmlRpcCodec.decodeResponse(b("<methodResponse><params><param><value><int>x</int>")))
        .isInstanceOf(XmlRpcProtocolException.class);
    assertThatThrownBy(() -> XmlRpcCodec.decodeResponse(b("<methodResponse><params><param><value><blob>1</blob>"
        + "</value></param></params></methodResponse>"))).isInstanceOf(XmlRpcProtocolException.class)
        .hasMessageContaining("blob");
  }
}
