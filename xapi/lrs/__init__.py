"""The built-in learning record store: the default LRS of a fresh install.

``store`` keeps statements and answers queries (SQLAlchemy Core on ``xapi.db.metadata``, no web
framework); ``credentials`` makes and checks the keys clients authenticate with; ``api`` is the xAPI
HTTP interface as a Flask blueprint, which depends only on what it is given (a session, a way to
check credentials, the public address).

What a fully conformant LRS adds later (documents, attachments, the activities and agents resources)
goes beside ``store``: its statement tables already index what those need.
"""
