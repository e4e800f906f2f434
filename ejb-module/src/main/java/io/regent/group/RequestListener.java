package io.regent.group;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;

/**
 * Feeds the requests topic to the {@link ReplicationEngine}. Like the control topic's listener,
 * its destination, selector and single session (writes apply in order) are set in server.xml.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Topic")
})
@TransactionManagement(TransactionManagementType.BEAN)
public class RequestListener extends TopicListener {

    @EJB
    private ReplicationEngine engine;

    @Override
    void deliver(String body, String signature) {
        engine.receive(body, signature);
    }

    @Override
    void drop(String reason) {
        engine.drop(reason);
    }
}
