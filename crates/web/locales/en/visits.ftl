# visits messages
