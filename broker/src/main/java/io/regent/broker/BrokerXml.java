package io.regent.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders this module's {@code broker.xml} template with one broker's settings: each
 * {@code @{name}} is replaced, XML-escaped, and a placeholder the template has but the settings do
 * not fill is an error, so a template and its renderer cannot drift apart silently.
 */
final class BrokerXml {

    private static final Pattern PLACEHOLDER = Pattern.compile("@\\{([a-z\\-]+)}");
    private static final String TEMPLATE = "broker.xml";

    private BrokerXml() {
    }

    /** The configuration of the broker {@code s} describes, its data (paging, if ever) under {@code data}. */
    static String render(BrokerSettings s, Path data) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("name", escape(s.name()));
        values.put("data", escape(data.toString()));
        values.put("listen", escape(s.listen().toString()));
        values.put("acceptor-tls", escape(acceptorTls(s.tls())));
        values.put("connector-tls", escape(connectorTls(s.tls(), "?")));
        StringBuilder connectors = new StringBuilder();
        for (int i = 0; i < s.peers().size(); i++) {
            connectors.append("         <connector name=\"peer").append(i + 1).append("\">tcp://")
                    .append(escape(s.peers().get(i).toString())).append(escape(connectorTls(s.tls(), "?")))
                    .append("</connector>\n");
        }
        values.put("peer-connectors", connectors.toString());
        values.put("cluster", cluster(s));
        return fill(template(), values);
    }

    /**
     * The brokers form one cluster over static connectors; a message crosses at most one hop, and
     * only to a broker with a subscriber for it. The cluster's account is set on a lone broker too:
     * left out, Artemis would take its well-known default, which passes every permission check.
     */
    private static String cluster(BrokerSettings s) {
        String account = "      <cluster-user>" + escape(s.cluster().user()) + "</cluster-user>\n"
                + "      <cluster-password>" + escape(s.cluster().password()) + "</cluster-password>\n";
        if (s.peers().isEmpty()) {
            return account;
        }
        StringBuilder refs = new StringBuilder();
        for (int i = 0; i < s.peers().size(); i++) {
            refs.append("               <connector-ref>peer").append(i + 1).append("</connector-ref>\n");
        }
        return account
                + "      <cluster-connections>\n"
                + "         <cluster-connection name=\"regent\">\n"
                + "            <connector-ref>self</connector-ref>\n"
                + "            <message-load-balancing>ON_DEMAND</message-load-balancing>\n"
                + "            <max-hops>1</max-hops>\n"
                + "            <static-connectors>\n" + refs
                + "            </static-connectors>\n"
                + "         </cluster-connection>\n"
                + "      </cluster-connections>\n";
    }

    /** TLS only, and every client must present a key the group's CA signed (mutual TLS). */
    private static String acceptorTls(BrokerSettings.Tls tls) {
        if (tls == null) {
            return "";
        }
        return ";sslEnabled=true;needClientAuth=true;keyStorePath=" + tls.keyStore() + ";keyStorePassword="
                + tls.keyStorePassword() + ";trustStorePath=" + tls.trustStore() + ";trustStorePassword="
                + tls.trustStorePassword();
    }

    /** A link to a peer verifies the peer's key and host, and presents this broker's own key. */
    private static String connectorTls(BrokerSettings.Tls tls, String first) {
        if (tls == null) {
            return "";
        }
        return first + "sslEnabled=true;verifyHost=true;keyStorePath=" + tls.keyStore() + ";keyStorePassword="
                + tls.keyStorePassword() + ";trustStorePath=" + tls.trustStore() + ";trustStorePassword="
                + tls.trustStorePassword();
    }

    static String fill(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("the broker.xml template names @{" + m.group(1) + "}, which has no value");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String template() {
        try (InputStream in = BrokerXml.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) {
                throw new IllegalStateException("no " + TEMPLATE + " template beside " + BrokerXml.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
