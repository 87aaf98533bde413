# patients messages
