# domain messages
