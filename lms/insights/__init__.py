"""What the modules teach us: card statistics and learners' anonymous ratings of a module."""
