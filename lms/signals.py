"""The documented extension points of Lærevakt.

Plugins and feature packages connect to these blinker signals; the sender is always the Flask app.
Receivers run inside the request or job that fired the signal, in its transaction: they may add to
the session but must not commit. They run in the order they connected (those for every sender
before those for one app), the same in every process.
"""

from __future__ import annotations

from collections.abc import Hashable

from blinker import NamedSignal, Namespace


class _ConnectionOrder(dict):
    """The set blinker keeps receivers' and senders' ids in, as a dict's keys: it iterates in the
    order they were added. (blinker copies and unites these sets only to iterate over them, which
    a dict's ``copy`` and ``|`` do in that order.)"""

    def add(self, member: Hashable) -> None:
        self[member] = None

    def discard(self, member: Hashable) -> None:
        self.pop(member, None)


class _Signal(NamedSignal):
    """A blinker signal that calls its receivers in the order they connected (receivers of every
    sender first). blinker's own order follows a set of the receivers' ids, which differs from one
    process to the next: a fault that shows only when one receiver runs first then failed on one
    machine and passed on another."""

    set_class = _ConnectionOrder


class _Namespace(Namespace):
    def signal(self, name: str, doc: str | None = None) -> NamedSignal:
        if name not in self:
            self[name] = _Signal(name, doc)
        return self[name]


_signals = _Namespace()

person_signed_in = _signals.signal(
    "person-signed-in",
    doc="""A person has signed in. Keyword arguments: ``person`` (the Person) and ``method``
    (``"password"``, ``"link"``, ``"sms"``, ``"code"`` or ``"sso"``).""",
)

account_ended = _signals.signal(
    "account-ended",
    doc="""A short-term account's end date has come and the daily job has ended it. Keyword
    arguments: ``person`` (the Person, now inactive) and ``at`` (when the job ended it).""",
)

people_imported = _signals.signal(
    "people-imported",
    doc="""A CSV import of people has been applied. Keyword arguments: ``created`` and ``updated``
    (lists of Person) and ``actor`` (the admin who imported them).""",
)

people_joined_units = _signals.signal(
    "people-joined-units",
    doc="""People have been given a role on a unit they held no role on before: by hand on the admin
    pages, by the CSV import or by the HR sync. Keyword argument: ``joined``, a list of
    ``(person_id, unit_id)`` pairs. Fired after the roles are flushed; the introduction programmes
    (``lms.introduction``) give each newcomer the programme of their unit and job title.""",
)

roles_changed = _signals.signal(
    "roles-changed",
    doc="""People's roles have been granted or removed by bulk statements, which no flush sees (the
    HR sync). Keyword argument: ``person_ids``. Fired after the statements; the competence matrix's
    cells (``lms.competence.cells``) follow. Roles changed through the ORM fire nothing: a flush
    listener sees them.""",
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
    doc="""A person's attempt at a module has ended. Keyword arguments: ``attempt`` (with
    ``score``, ``passed`` and ``outcome`` set: ``lms.learning.standing.Verdict``; only ``passed``
    and ``completed`` give the completion, ``attended`` is a group run without a judgement) and
    ``module`` (the parsed Module, with the evidence it gives).""",
)


workshop_attended = _signals.signal(
    "workshop-attended",
    doc="""A person has been marked present at a workshop session: they checked in themselves or the
    facilitator ticked them in. Keyword arguments: ``attendance`` (the WorkshopAttendance, whose
    ``statement_id`` is the id to give its statement), ``session`` and ``series``.""",
)

workshop_attendance_withdrawn = _signals.signal(
    "workshop-attendance-withdrawn",
    doc="""A facilitator has un-ticked a person marked present by mistake; the attendance row is about
    to be deleted. Keyword arguments: ``attendance`` (still holding ``statement_id`` and ``person``),
    ``session``, ``series`` and ``actor`` (the facilitator).""",
)

workshop_series_completed = _signals.signal(
    "workshop-series-completed",
    doc="""A person has attended the required share of a workshop series; fires once per person and
    series. Keyword arguments: ``participant`` (the WorkshopParticipant, with ``completed_at`` and
    ``completion_statement_id`` set) and ``series``.""",
)

workshop_completion_withdrawn = _signals.signal(
    "workshop-completion-withdrawn",
    doc="""A recorded series completion no longer holds because attendance that counted toward it was
    withdrawn. Keyword arguments: ``participant`` (``completed_at`` already cleared), ``series`` and
    ``statement_id`` (of the completion statement to void).""",
)

group_run_started = _signals.signal(
    "group-run-started",
    doc="""A facilitator has started a group run of a module. Keyword argument: ``run`` (the new
    GroupRun, with its join code; no participants yet).""",
)

group_joined = _signals.signal(
    "group-joined",
    doc="""A person has joined a group run, on their phone or ticked in by the facilitator, or has
    come back after leaving. Keyword arguments: ``participant`` (the GroupParticipant, with its
    ``run`` and its ``attempt``) and ``ticked_in_by`` (the facilitator who ticked them in, or None
    when they joined themselves).""",
)

group_left = _signals.signal(
    "group-left",
    doc="""A participant has left a group run before it closed: they pressed "Forlat økten", the
    facilitator took them off the list, or their phone had been silent too long when the run closed.
    Keyword argument: ``participant`` (``left_at`` and ``left_how`` set; their attempt stays open).""",
)

group_run_closed = _signals.signal(
    "group-run-closed",
    doc="""A facilitator has closed a group run; fired after the attempt of every participant who
    got something from the run (``lms.groups.judging``: passed, failed, completed or attended) has
    been completed (each through ``attempt_completed``). Keyword arguments: ``run`` and
    ``completed`` (those participants).""",
)

practice_followed_up = _signals.signal(
    "practice-followed-up",
    doc="""A person has answered "Hvordan gikk det?" about a practice task they committed to, for the
    first time. Keyword argument: ``follow_up`` (the ``lms.practice.models.PracticeFollowUp``, with
    ``choice``, ``answered_at`` and ``statement_id`` set; its ``note`` is private and goes nowhere).""",
)

requirement_status_refreshed = _signals.signal(
    "requirement-status-refreshed",
    doc="""The stored competence requirement status has been recomputed (after new evidence, a
    changed requirement or the nightly expiry job). Keyword argument: ``person_ids`` (the people
    whose status was recomputed, or None for everyone). Credentials issue for requirements now met.""",
)

credentials_issued = _signals.signal(
    "credentials-issued",
    doc="""Credentials (mikrobevis) have been issued and signed, one or many at a time (the
    competence refresh issues in batches). Keyword argument: ``credentials`` (a list of
    ``lms.credentials.models.Credential``, each with ``uuid``, ``person`` and ``title``).""",
)

credential_revoked = _signals.signal(
    "credential-revoked",
    doc="""An admin has revoked a credential; its status bit is set. Keyword arguments:
    ``credential`` (``revoked_at`` and ``revoked_reason`` set) and ``actor`` (the admin).""",
)

credential_imported = _signals.signal(
    "credential-imported",
    doc="""A person has uploaded a verified credential from a trusted issuer. Keyword argument:
    ``imported`` (the ``lms.credentials.models.ImportedCredential``).""",
)

personal_data_requested = _signals.signal(
    "personal-data-requested",
    doc="""Someone asks for everything the platform holds about a person: the person's "Mine data"
    page and its JSON export. Keyword argument: ``person``. Each feature package answers from its
    own ``privacy.py`` by returning a list of ``lms.privacy.sections.Section`` (what it stores about
    the person, as plain values); a new feature that stores personal data connects a receiver and
    its section appears on the page and in the export. Receivers only read.""",
)

person_erasing = _signals.signal(
    "person-erasing",
    doc="""An admin is deleting a person; fired before the person's own row is pseudonymised.
    Keyword argument: ``erasure`` (an ``lms.privacy.sections.Erasure``: the ``person`` with their
    name, e-mail and phone still in place, the neutral ``label`` that replaces the name, ``now``, and
    ``scrub(text)``, which replaces the person's name, e-mail and phone in text others wrote). Each
    feature package erases or pseudonymises what it stores about the person, from its own
    ``privacy.py``; learning records that feed aggregates (completions, evidence) stay, tied to the
    pseudonymous row. Receivers add to the session and never commit.""",
)

sms_gateways = _signals.signal(
    "sms-gateways",
    doc="""Which SMS gateways are there? Sent when a reminder goes out by SMS (and by pages that show
    the gateway); no keyword arguments. Each receiver returns a mapping of gateway names to
    factories: ``factory(config)`` returns an object with ``send(phone, text)``, ``phone`` in E.164
    (``+4791234567``). ``LMS_SMS_GATEWAY`` picks one by name; reminders provides ``log``. A plugin
    connects its receiver with ``sender=app`` so that its gateway exists only where it is enabled.
    Read the answers with ``values_from_signal``.""",
)


def values_from_signal(results: list[tuple[object, object]]) -> list[object]:
    """The values the receivers returned, from what ``signal.send`` gives back (a list of
    ``(receiver, value)``), leaving out receivers that returned None: a signal that asks
    features and plugins for values reads their answers with this (as indico does)."""
    return [value for _receiver, value in results if value is not None]


read_with_signed_in_person = _signals.signal(
    "read-with-signed-in-person",
    doc="""What else about the signed-in person does every page need? Sent when a request loads
    the person from their session cookie (``lms.accounts.sessions.signed_in_person``); no keyword
    arguments. Each receiver returns a ``(name, expression)`` pair: a SQL expression correlated
    with ``lms.organisation.models.Person`` (e.g. an ``exists()``), read in the same query as the
    person, the same object each time (the query is built once for the same expressions). The
    value is kept for the request: ``lms.access.read_with(person, name)``. Insights answers whether
    the person owns a module, which the site menu shows on every page. Read the answers with
    ``values_from_signal``.""",
)

attempt_held_elsewhere = _signals.signal(
    "attempt-held-elsewhere",
    doc="""Which unfinished attempts are not the person's own to go on with? Sent when the player
    looks for a person's open attempt at a module; no keyword arguments. Each receiver returns a
    SQL condition on ``lms.learning.models.Attempt`` (correlated, e.g. an ``exists()``) that holds
    for attempts another feature paces: groups answers with the attempts of participants still
    present in an open group run. Read the answers with ``values_from_signal``.""",
)

module_version_attempts = _signals.signal(
    "module-version-attempts",
    doc="""How many attempts have module versions had? Sent by the module library's admin pages.
    Keyword argument: ``version_ids`` (the ModuleVersion ids asked about, or None for all). Each
    receiver returns a mapping of version id to count (versions with none may be left out); the
    pages add the answers up. Learning answers for every attempt, on one's own or in a group run.
    Read the answers with ``values_from_signal``.""",
)
