"""Group runs: a facilitator takes a group through a module on a shared screen, the participants
answer on their phones, and everyone present at the end gets the completion."""
