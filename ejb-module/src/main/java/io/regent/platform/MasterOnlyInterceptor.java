package io.regent.platform;

import io.regent.api.MasterOnly;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.AroundTimeout;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import java.util.logging.Logger;

/**
 * {@link MasterOnly}: the work runs only while this server is the master, and its thread is
 * interrupted if the mastership is revoked meanwhile. Enabled for the whole application by its
 * priority; it runs before the application's own interceptors.
 */
@MasterOnly
@Interceptor
@Priority(Interceptor.Priority.LIBRARY_BEFORE)
public class MasterOnlyInterceptor {

    private static final Logger LOG = Logger.getLogger(MasterOnlyInterceptor.class.getName());

    @Inject
    private MastershipBean mastership;

    /** A business method or a message: refused off the master (a message rolls back, for redelivery). */
    @AroundInvoke
    public Object call(InvocationContext ctx) throws Exception {
        MastershipState state = mastership.state();
        if (!state.enter()) {
            throw state.notMaster();
        }
        try {
            return ctx.proceed();
        } finally {
            state.exit();
        }
    }

    /** A timer firing: skipped off the master, so a timer set on every server runs on one. */
    @AroundTimeout
    public Object timeout(InvocationContext ctx) throws Exception {
        MastershipState state = mastership.state();
        if (!state.enter()) {
            LOG.fine(() -> "skipped " + ctx.getMethod() + ": this server is not the master");
            return null;
        }
        try {
            return ctx.proceed();
        } finally {
            state.exit();
        }
    }
}
