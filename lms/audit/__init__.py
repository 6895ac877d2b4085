"""The audit log: who changed or exported what, and when."""
