"""The mail outbox's jobs (drain it, prune what was sent), its ``lms mail`` command and its
privacy section (``lms.feature``)."""

from lms.feature import Feature, Job
from lms.mail import privacy
from lms.mail.cli import mail_group
from lms.mail.outbox import drain_mail, prune_sent_mail

feature = Feature(
    name="mail",
    cli=(mail_group,),
    jobs=(
        Job("drain-mail", drain_mail, {"trigger": "interval", "seconds": 60}),
        Job("prune-sent-mail", prune_sent_mail, {"trigger": "cron", "hour": 3, "minute": 27}),
    ),
    privacy=privacy,
    settings={"MAIL_KEEP_SENT_DAYS": "7"},
)
