"""Telling a module's owner that its content is due for review: a daily job.

The owner (the account an admin named for the module) gets one e-mail, in their language, when the
published version's review date is 60 days away or less, and one when it has passed. Each is sent
once per module, review date and kind: a row in ``module_review_reminders`` is the marker, written
in the same transaction the mail is queued in, so a restart or a second run sends nothing again. A
new version with a new review date starts afresh.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from lms.access import is_top_admin
from lms.content.governance import REVIEW_NOTICE, ReviewStatus, review_status
from lms.content.models import LearningModule, ModuleVersion, ReviewReminder, VersionStatus
from lms.core.time import local_today
from lms.extensions import db
from lms.mail import queue_mail
from lms.organisation.models import Person


def send_review_reminders(today: date | None = None) -> int:
    """Queue the review reminders due ``today`` (today in the installation's zone by default); returns
    how many."""
    today = today or local_today()
    due = db.session.execute(
        sa.select(ModuleVersion, Person)
        .join(LearningModule, LearningModule.current_version_id == ModuleVersion.id)
        .join(Person, Person.id == LearningModule.owner_id)
        .where(
            ModuleVersion.status == VersionStatus.PUBLISHED,
            ModuleVersion.review_date <= today + REVIEW_NOTICE,
            Person.active.is_(True),
            Person.email.is_not(None),
        )
    ).all()
    sent = _sent_markers([version.module_id for version, _owner in due])
    count = 0
    for version, owner in due:
        kind = review_status(version.review_date, today)
        if (version.module_id, version.review_date, kind) in sent:
            continue
        db.session.add(
            ReviewReminder(
                module_id=version.module_id,
                review_date=version.review_date,
                kind=str(kind),
                person_id=owner.id,
            )
        )
        _mail_owner(owner, version, kind)
        count += 1
    db.session.flush()
    return count


def _sent_markers(module_ids: list[str]) -> set[tuple[str, date, str]]:
    rows = db.session.execute(
        sa.select(ReviewReminder.module_id, ReviewReminder.review_date, ReviewReminder.kind).where(
            ReviewReminder.module_id.in_(module_ids)
        )
    )
    return {tuple(row) for row in rows}


def _mail_owner(owner: Person, version: ModuleVersion, kind: ReviewStatus) -> None:
    """The mail links to the version's statistics, which its owner may open (``lms.insights``);
    the admin page where a new version is uploaded only for an owner who may open it, an admin
    of a top unit."""
    uploads = is_top_admin(owner)
    with force_locale(owner.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        title = version.title(owner.locale or "nb")
        when = format_date(version.review_date, "long")
        if kind is ReviewStatus.PASSED:
            subject = _("Gjennomgangsdatoen for «%(title)s» er passert", title=title)
            news = _("Innholdet skulle vært gjennomgått innen %(date)s.", date=when)
        else:
            subject = _("«%(title)s» skal gjennomgås innen %(date)s", title=title, date=when)
            news = _("Innholdet skal gjennomgås innen %(date)s.", date=when)
        lines = [
            _("Hei %(name)s,", name=owner.name),
            "",
            _("Du er eier av modulen «%(title)s» i Lærevakt.", title=title) + " " + news,
            _(
                "Sjekk at innholdet fortsatt stemmer med kildene, og at kildene gjelder. "
                "Last deretter opp en ny versjon med ny «review_date»."
            )
            if uploads
            else _(
                "Sjekk at innholdet fortsatt stemmer med kildene, og at kildene gjelder. "
                "Be deretter en administrator i kommunen om å laste opp en ny versjon med ny "
                "«review_date»."
            ),
            _("Faglig ansvarlig etter pakken: %(responsible)s", responsible=version.responsible),
            "",
            _("Slik svarer de som har tatt modulen, kort for kort:"),
            _link(f"/insights/versions/{version.id}"),
        ]
        if uploads:
            lines += ["", _("Her laster du opp den nye versjonen:")]
            lines.append(_link(f"/admin/modules/versions/{version.id}"))
    queue_mail(owner.email, subject, "\n".join(lines))


def _link(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path
