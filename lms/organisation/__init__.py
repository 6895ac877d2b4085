"""The organisation: a tree of units, the people in it, their job titles and the roles they hold."""
