package io.regent.group;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;

/** Hands each signed text message of a topic to an engine; anything else is dropped and counted. */
abstract class TopicListener implements MessageListener {

    @Override
    public void onMessage(Message message) {
        try {
            if (message instanceof TextMessage text) {
                deliver(text.getText(), text.getStringProperty(TopicPublisher.SIGNATURE));
            } else {
                drop("not a text message");
            }
        } catch (JMSException e) {
            drop("unreadable message: " + e.getMessage());
        }
    }

    abstract void deliver(String body, String signature);

    abstract void drop(String reason);
}
