"""The documented extension points of Lærevakt.

Plugins and feature packages connect to these blinker signals; the sender is always the Flask app.
Receivers run inside the request or job that fired the signal, in its transaction: they may add to
the session but must not commit.
"""

from blinker import Namespace

_signals = Namespace()

person_signed_in = _signals.signal(
    "person-signed-in",
    doc="""A person has signed in. Keyword arguments: ``person`` (the Person) and ``method``
    (``"password"`` or ``"link"``).""",
)

people_imported = _signals.signal(
    "people-imported",
    doc="""A CSV import of people has been applied. Keyword arguments: ``created`` and ``updated``
    (lists of Person) and ``actor`` (the admin who imported them).""",
)

attempt_started = _signals.signal(
    "attempt-started",
    doc="""A person has started a module. Keyword argument: ``attempt`` (the new Attempt).""",
)

card_answered = _signals.signal(
    "card-answered",
    doc="""A card has been answered for the first time. Keyword arguments: ``answer`` (the Answer,
    graded) and ``card`` (the prepared Card).""",
)

attempt_progressed = _signals.signal(
    "attempt-progressed",
    doc="""A person has moved on to a later card. Keyword arguments: ``attempt`` (``position`` is the
    new card's index) and ``module`` (the parsed Module).""",
)

attempt_completed = _signals.signal(
    "attempt-completed",
    doc="""A person has completed a module. Keyword arguments: ``attempt`` (with ``score`` and
    ``passed`` set) and ``module`` (the parsed Module, with the evidence it gives).""",
)
