"""The xAPI layer of Lærevakt: statements, validation, outbox, delivery, LRS client, built-in LRS.

It depends on nothing in ``lms`` except through a small interface (a session to write the outbox and a
settings object), so it could be published on its own.
"""
