package io.regent.api;

import jakarta.interceptor.InterceptorBinding;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method (or every method of the annotated class) only on the master:
 * <ul>
 * <li>an EJB timer ({@code @Schedule}, {@code @Timeout}) firing on another server is skipped, so a
 * non-persistent timer on every server runs once in the group;</li>
 * <li>a business method called on another server throws {@link NotMasterException};</li>
 * <li>a message-driven bean's {@code onMessage} on another server throws it too, and its
 * transaction rolls back, so the message goes back to the queue (for another consumer, or for
 * this one until it is master, or to the dead-letter address past the redelivery limit).</li>
 * </ul>
 * When the mastership is revoked, the threads running such methods are interrupted: they should
 * stop at the next interruptible point (or check {@link Mastership#isMaster()}). A nested call
 * is part of the work that made it.
 */
@Inherited
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface MasterOnly { }
