package io.regent.net;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Hosts on one machine: a network namespace per host ({@code rg-h1}, ...), each with its own
 * address on a bridge in the root namespace ({@code 10.231.0.<k>}; the root namespace, where the
 * tests and the load balancer run, is {@code .254}). A host's link can be cut and healed, which
 * cuts it off from every other host and from the root namespace. Made and removed by the tests, as
 * root; everything it makes is removed by {@link #close()}, and leftovers of an earlier run first.
 */
public final class NetworkLab implements AutoCloseable {

    private static final String BRIDGE = "rgbr0";
    private static final String NET = "10.231.0.";
    private static final String CUT_TABLE = "regent-cut";
    private final int hosts;

    private NetworkLab(int hosts) {
        this.hosts = hosts;
    }

    /** Whether this machine lets the tests make namespaces (root and iproute2). */
    public static boolean available() {
        try {
            return run(false, "ip", "netns", "list") == 0 && "root".equals(System.getProperty("user.name"));
        } catch (IllegalStateException e) {
            return false;
        }
    }

    public static NetworkLab create(int hosts) {
        NetworkLab lab = new NetworkLab(hosts);
        lab.remove();
        run(true, "ip", "link", "add", BRIDGE, "type", "bridge");
        run(true, "ip", "addr", "add", bridgeAddress() + "/24", "dev", BRIDGE);
        run(true, "ip", "link", "set", BRIDGE, "up");
        for (int k = 1; k <= hosts; k++) {
            String ns = namespace(k);
            run(true, "ip", "netns", "add", ns);
            run(true, "ip", "link", "add", veth(k), "type", "veth", "peer", "name", "eth0", "netns", ns);
            run(true, "ip", "link", "set", veth(k), "master", BRIDGE);
            run(true, "ip", "link", "set", veth(k), "up");
            run(true, "ip", "-n", ns, "addr", "add", NET + k + "/24", "dev", "eth0");
            run(true, "ip", "-n", ns, "link", "set", "eth0", "up");
            run(true, "ip", "-n", ns, "link", "set", "lo", "up");
        }
        return lab;
    }

    public static String namespace(int k) {
        return "rg-h" + k;
    }

    public static String address(int k) {
        return NET + k;
    }

    /** The address the root namespace (HAProxy, the tests) has on the bridge: where its connections to the hosts come from. */
    public static String bridgeAddress() {
        return NET + "254";
    }

    /** {@code rg-h1=10.231.0.1,...}: what the group script takes to place servers and brokers on the hosts. */
    public String hostList() {
        List<String> list = new ArrayList<>();
        for (int k = 1; k <= hosts; k++) {
            list.add(namespace(k) + "=" + address(k));
        }
        return String.join(",", list);
    }

    /** Cuts host k off from everything: its end of the link goes down. */
    public void cut(int k) {
        run(true, "ip", "link", "set", veth(k), "down");
    }

    public void heal(int k) {
        run(true, "ip", "link", "set", veth(k), "up");
    }

    /** Whether one-way cuts can be made: nftables ({@code nft}, Debian's {@code nftables}). */
    public static boolean oneWayCutsAvailable() {
        try {
            return run(false, "nft", "--version") == 0;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /**
     * Host k hears nothing more from the other hosts while they still hear it, and the root
     * namespace (the load balancer and the tests' clients) still reaches it both ways: a one-way
     * cut, made with an nftables rule inside the host's namespace.
     */
    public void deafen(int k) {
        String ns = namespace(k);
        run(true, "ip", "netns", "exec", ns, "nft", "add", "table", "inet", CUT_TABLE);
        run(true, "ip", "netns", "exec", ns, "nft", "add", "chain", "inet", CUT_TABLE, "input",
                "{ type filter hook input priority 0; policy accept; }");
        run(true, "ip", "netns", "exec", ns, "nft", "add", "rule", "inet", CUT_TABLE, "input", "iifname", "eth0",
                "ip", "saddr", NET + "0/24", "ip", "saddr", "!=", NET + "254", "drop");
    }

    /** Undoes {@link #deafen}. */
    public void undeafen(int k) {
        run(false, "ip", "netns", "exec", namespace(k), "nft", "delete", "table", "inet", CUT_TABLE);
    }

    @Override
    public void close() {
        remove();
    }

    private void remove() {
        for (int k = 1; k <= Math.max(hosts, 9); k++) {
            run(false, "ip", "link", "del", veth(k));
            run(false, "ip", "netns", "del", namespace(k));
        }
        run(false, "ip", "link", "del", BRIDGE);
    }

    private static String veth(int k) {
        return "rgv" + k;
    }

    private static int run(boolean mustSucceed, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " timed out");
            }
            if (mustSucceed && p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
