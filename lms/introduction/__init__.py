"""Introduction programmes: what a newcomer to a unit does in their first weeks.

See docs/introduction.md."""
