package io.regent.group;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;

/**
 * Feeds the control topic to the {@link GroupEngine}. The destination, the selector (broadcasts
 * and messages addressed to this server) and a single session (order matters) are set by the
 * activation spec in server.xml.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Topic")
})
@TransactionManagement(TransactionManagementType.BEAN)
public class ControlListener implements MessageListener {

    @EJB
    private GroupEngine engine;

    @Override
    public void onMessage(Message message) {
        try {
            if (message instanceof TextMessage text) {
                engine.receive(text.getText(), text.getStringProperty(ControlPublisher.SIGNATURE));
            } else {
                engine.drop("not a text message");
            }
        } catch (JMSException e) {
            engine.drop("unreadable message: " + e.getMessage());
        }
    }
}
