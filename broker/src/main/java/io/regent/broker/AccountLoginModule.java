package io.regent.broker;

import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.security.User;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;
import org.apache.activemq.artemis.spi.core.security.jaas.RolePrincipal;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;
import org.apache.activemq.artemis.utils.PasswordMaskingUtil;

import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;
import java.io.IOException;
import java.security.Principal;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Checks a login against the broker's accounts, whose passwords are kept as Artemis's one-way
 * hashes ({@code ENC(iterations:salt:hash)}, what {@code Broker --hash} prints) or, for a
 * settings file written by hand, as they are. Artemis's own in-memory module compares plain
 * text only, so a settings file would have to hold every password a client logs in with.
 */
public final class AccountLoginModule implements LoginModule {

    /** Compared when the user is unknown, so that the time of a refusal does not tell which users exist. */
    private static final String NOBODY = nobody();

    private Subject subject;
    private CallbackHandler callbacks;
    private SecurityConfiguration accounts;
    private String user;
    private final Set<Principal> principals = new HashSet<>();

    @Override
    public void initialize(Subject subject, CallbackHandler callbacks, Map<String, ?> shared, Map<String, ?> options) {
        this.subject = subject;
        this.callbacks = callbacks;
        this.accounts = (SecurityConfiguration) options.get(InVMLoginModule.CONFIG_PROP_NAME);
    }

    @Override
    public boolean login() throws LoginException {
        NameCallback name = new NameCallback("user: ");
        PasswordCallback password = new PasswordCallback("password: ", false);
        try {
            callbacks.handle(new Callback[] {name, password});
        } catch (IOException | UnsupportedCallbackException e) {
            throw new LoginException("cannot read the login: " + e.getMessage());
        }
        User account = name.getName() == null ? null : accounts.getUser(name.getName());
        char[] given = password.getPassword() == null ? new char[0] : password.getPassword();
        password.clearPassword();
        String stored = account == null ? NOBODY : account.getPassword();
        boolean matches = PasswordMaskingUtil.getHashProcessor(stored).compare(given, stored);
        if (account == null || !matches) {
            throw new FailedLoginException("no such user, or a wrong password");
        }
        user = name.getName();
        return true;
    }

    private static String nobody() {
        try {
            return PasswordMaskingUtil.getHashProcessor().hash(java.util.UUID.randomUUID().toString());
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a hash: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean commit() {
        if (user == null) {
            return false;
        }
        principals.add(new UserPrincipal(user));
        accounts.getRole(user).forEach(role -> principals.add(new RolePrincipal(role)));
        subject.getPrincipals().addAll(principals);
        return true;
    }

    @Override
    public boolean abort() {
        return logout();
    }

    @Override
    public boolean logout() {
        subject.getPrincipals().removeAll(principals);
        principals.clear();
        user = null;
        return true;
    }
}
