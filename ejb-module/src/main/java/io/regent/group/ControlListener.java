package io.regent.group;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;

/**
 * Feeds the control topic to the {@link GroupEngine}. The destination, the selector (broadcasts
 * and messages addressed to this server) and a single session (order matters) are set by the
 * activation spec in server.xml.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Topic")
})
@TransactionManagement(TransactionManagementType.BEAN)
public class ControlListener extends TopicListener {

    @EJB
    private GroupEngine engine;

    @Override
    void deliver(String body, String signature) {
        engine.receive(body, signature);
    }

    @Override
    void drop(String reason) {
        engine.drop(reason);
    }
}
