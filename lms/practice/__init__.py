"""From the module to the shift: a practice card's "jeg prøver det på vakt" comes back on a later
shift as "Hvordan gikk det?", answered privately and counted anonymously (docs/reminders.md,
*Practice follow-ups*)."""
