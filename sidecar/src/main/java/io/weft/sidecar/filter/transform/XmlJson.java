package io.weft.sidecar.filter.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * XML ↔ JSON for legacy upstreams. XML → JSON: the root element becomes a one-field object; an
 * element with only text becomes a string; attributes become {@code "@name"} fields; repeated child
 * elements become an array; text beside children becomes {@code "#text"}. JSON → XML is the reverse
 * (an object with several top-level fields is wrapped in {@code <root>}). The XML parser refuses DTDs
 * and external entities (no XXE). Thread-safe.
 */
final class XmlJson {
    private final ObjectMapper mapper;
    private final DocumentBuilderFactory factory;

    XmlJson(ObjectMapper mapper) {
        this.mapper = mapper;
        this.factory = DocumentBuilderFactory.newInstance();
        try {
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser must support secure processing", e);
        }
        factory.setExpandEntityReferences(false);
        factory.setXIncludeAware(false);
        factory.setNamespaceAware(false);
    }

    /** @throws IllegalArgumentException when the bytes are not well-formed XML */
    byte[] xmlToJson(byte[] xml) throws IOException {
        Element root;
        try {
            DocumentBuilder b = factory.newDocumentBuilder();
            b.setErrorHandler(null);
            root = b.parse(new ByteArrayInputStream(xml)).getDocumentElement();
        } catch (SAXException | ParserConfigurationException e) {
            throw new IllegalArgumentException("not well-formed XML: " + e.getMessage(), e);
        }
        ObjectNode out = mapper.createObjectNode();
        out.set(root.getTagName(), element(root));
        return mapper.writeValueAsBytes(out);
    }

    private JsonNode element(Element e) {
        NamedNodeMap attrs = e.getAttributes();
        NodeList kids = e.getChildNodes();
        StringBuilder text = new StringBuilder();
        ObjectNode obj = mapper.createObjectNode();
        for (int i = 0; i < attrs.getLength(); i++) {
            obj.put("@" + attrs.item(i).getNodeName(), attrs.item(i).getNodeValue());
        }
        boolean hasChildren = false;
        for (int i = 0; i < kids.getLength(); i++) {
            Node k = kids.item(i);
            if (k instanceof Element c) {
                hasChildren = true;
                JsonNode v = element(c);
                JsonNode prev = obj.get(c.getTagName());
                if (prev == null) {
                    obj.set(c.getTagName(), v);
                } else if (prev instanceof ArrayNode arr) {
                    arr.add(v);
                } else {
                    obj.putArray(c.getTagName()).add(prev).add(v);
                }
            } else if (k.getNodeType() == Node.TEXT_NODE || k.getNodeType() == Node.CDATA_SECTION_NODE) {
                text.append(k.getNodeValue());
            }
        }
        String t = text.toString().trim();
        if (!hasChildren && attrs.getLength() == 0) {
            return mapper.getNodeFactory().textNode(t);
        }
        if (!t.isEmpty()) {
            obj.put("#text", t);
        }
        return obj;
    }

    /** @throws IllegalArgumentException when the bytes are not JSON */
    byte[] jsonToXml(byte[] json) throws IOException {
        JsonNode tree;
        try {
            tree = mapper.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            XMLStreamWriter w = XMLOutputFactory.newInstance().createXMLStreamWriter(out, "UTF-8");
            w.writeStartDocument("UTF-8", "1.0");
            if (tree instanceof ObjectNode o && o.size() == 1 && !o.fields().next().getValue().isArray()) {
                Map.Entry<String, JsonNode> only = o.fields().next();
                write(w, only.getKey(), only.getValue());
            } else {
                write(w, "root", tree);
            }
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IOException("cannot write XML: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private static void write(XMLStreamWriter w, String name, JsonNode v) throws XMLStreamException {
        String tag = xmlName(name);
        if (v.isArray()) {
            for (JsonNode el : v) {
                write(w, name, el);
            }
            return;
        }
        w.writeStartElement(tag);
        if (v instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().startsWith("@") && f.getValue().isValueNode()) {
                    w.writeAttribute(xmlName(f.getKey().substring(1)), f.getValue().asText());
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().equals("#text")) {
                    w.writeCharacters(f.getValue().asText());
                } else if (!(f.getKey().startsWith("@") && f.getValue().isValueNode())) {
                    write(w, f.getKey(), f.getValue());
                }
            }
        } else if (!v.isNull()) {
            w.writeCharacters(v.asText());
        }
        w.writeEndElement();
    }

    /** A JSON field name as an XML element name: invalid characters become '_'. */
    static String xmlName(String s) {
        StringBuilder b = new StringBuilder(s.length() + 1);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = Character.isLetter(c) || c == '_' || (i > 0 && (Character.isDigit(c) || c == '-' || c == '.'));
            b.append(ok ? c : '_');
        }
        return b.isEmpty() ? "_" : b.toString();
    }
}
