package io.regent.it;

import io.regent.net.NetworkLab;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.EnumMap;
import java.util.Map;

/**
 * The run's {@link SharedGroup}s, kept in JUnit's root store so that they are closed (every process
 * stopped by PID, the network namespaces removed) when the run ends, whatever failed. A class
 * annotated {@link Uses} gets that group up and caught up before it starts; only one group runs at
 * a time, since two cores cannot carry two. Other classes get the main group's brokers only.
 *
 * <p>An election that a test did not cause fails it: each test of a class that {@link Uses} a group
 * must end in the epoch it began in, unless it is marked {@link Elects} (it kills, pauses, cuts off
 * or hands over the master).
 */
public class GroupExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

    /** The shared group a test class runs on; its {@link LocalGroup} parameters are that group. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    public @interface Uses {
        SharedGroup value() default SharedGroup.MAIN;
    }

    /** A test (or every test of a class) that changes the master on purpose. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    public @interface Elects {
    }

    /** Every shared group made this run, and the network lab of {@link SharedGroup#NETWORK}. */
    public static final class Groups implements ExtensionContext.Store.CloseableResource {
        private final Map<SharedGroup, LocalGroup> made = new EnumMap<>(SharedGroup.class);
        private NetworkLab lab;

        LocalGroup get(SharedGroup which) {
            if (which == SharedGroup.NETWORK && lab == null) {
                Prerequisite.require(NetworkLab.available(), "network namespaces (root and iproute2)");
                lab = NetworkLab.create(LocalGroup.SIZE);
            }
            return made.computeIfAbsent(which, w -> w.create(lab));
        }

        /** The network namespaces of {@link SharedGroup#NETWORK}, made with that group. */
        public NetworkLab lab() {
            get(SharedGroup.NETWORK);
            return lab;
        }

        /** Stops every shared group but {@code keep} (null: all), for a class that needs the cores. */
        public void stopAllBut(SharedGroup keep) {
            made.forEach((which, group) -> {
                if (which != keep) {
                    group.down();
                }
            });
        }

        @Override
        public void close() {
            try {
                made.values().forEach(LocalGroup::close);
            } finally {
                if (lab != null) {
                    lab.close();
                }
            }
        }
    }

    static Groups groups(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(Groups.class, k -> new Groups(), Groups.class);
    }

    private static SharedGroup uses(ExtensionContext context) {
        Uses uses = context.getRequiredTestClass().getAnnotation(Uses.class);
        return uses == null ? SharedGroup.MAIN : uses.value();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Groups groups = groups(context);
        Uses uses = context.getRequiredTestClass().getAnnotation(Uses.class);
        if (uses == null) {
            groups.get(SharedGroup.MAIN).brokers();
            return;
        }
        groups.stopAllBut(uses.value());
        LocalGroup group = groups.get(uses.value());
        if (!group.serversUp()) {
            group.up();
        }
        if (!group.everyServerUp(java.time.Duration.ofSeconds(180))) {
            throw new IllegalStateException(uses.value() + " group: not every server caught up with one master open");
        }
        // the raise of a new group's version is a write: it must not land inside a test that counts them
        if (!LocalGroup.await(java.time.Duration.ofSeconds(60), group::finalised)) {
            throw new IllegalStateException(uses.value() + " group: not finalised at this build's protocol version");
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (guarded(context)) {
            context.getStore(ExtensionContext.Namespace.create(GroupExtension.class)).put("epoch",
                    groups(context).get(uses(context)).newestEpoch());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!guarded(context) || context.getExecutionException().isPresent()) {
            return;
        }
        String before = context.getStore(ExtensionContext.Namespace.create(GroupExtension.class)).get("epoch", String.class);
        String after = groups(context).get(uses(context)).newestEpoch();
        if (!java.util.Objects.equals(before, after)) {
            throw new AssertionError("an election that this test did not cause: epoch " + before + " -> " + after);
        }
    }

    private static boolean guarded(ExtensionContext context) {
        return context.getRequiredTestClass().isAnnotationPresent(Uses.class)
                && !context.getRequiredTestClass().isAnnotationPresent(Elects.class)
                && !context.getRequiredTestMethod().isAnnotationPresent(Elects.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        Class<?> type = p.getParameter().getType();
        return type == LocalGroup.class || type == Groups.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == Groups.class ? groups(e) : groups(e).get(uses(e));
    }
}
