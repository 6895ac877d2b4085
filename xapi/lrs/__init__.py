"""The built-in learning record store: the default LRS of a fresh install.

``tables`` holds the statement store's tables and the keys they index by, ``store`` stores
statements and ``queries`` reads them (SQLAlchemy Core on ``xapi.db.metadata``, no web framework);
``documents`` keeps the State, Activity Profile and Agent Profile documents; ``attachments`` reads
and writes multipart bodies and signed statements; ``credentials`` makes and checks the keys clients
authenticate with; ``api`` is the xAPI HTTP interface as a Flask blueprint, which depends only on
what it is given (a session, a way to check credentials, the public address), reading requests with
``parameters`` and answering with ``formats``; its resources are ``statement_views`` and
``document_views``, and what they share is in ``context``.
"""
