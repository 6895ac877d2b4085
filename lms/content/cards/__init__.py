"""Card types. The built-ins register through the ``lms.card_types`` entry point group, like any
plugin; the core finds them all through ``lms.plugins.card_types()``."""
