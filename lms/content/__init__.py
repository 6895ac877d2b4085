"""Content: module packages (a folder with module.yaml, cards, Markdown and media), their validation,
the card types that plugins provide, and the installed, versioned modules."""
