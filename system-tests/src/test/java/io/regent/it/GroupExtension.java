package io.regent.it;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@link LocalGroup} for the whole test run, kept in JUnit's root store so that it is closed
 * (every process stopped by PID) when the run ends, whatever failed. The brokers are started for
 * every test class; the three servers for classes annotated {@link WithServers}.
 */
public class GroupExtension implements BeforeAllCallback, ParameterResolver {

    /** Marks a test class that needs the three group servers, not just the broker. */
    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE)
    public @interface WithServers {
    }

    private static final class Holder implements ExtensionContext.Store.CloseableResource {
        final LocalGroup group = LocalGroup.forTests();

        @Override
        public void close() {
            group.close();
        }
    }

    static LocalGroup group(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(Holder.class, k -> new Holder(), Holder.class).group;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        LocalGroup group = group(context);
        group.brokers();
        if (context.getRequiredTestClass().isAnnotationPresent(WithServers.class) && !group.serversUp()) {
            group.up();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == LocalGroup.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return group(e);
    }
}
