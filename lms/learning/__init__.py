"""Taking modules: attempts, answers, progress and completion."""
