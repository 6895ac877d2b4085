"""The mail outbox's drain job and ``lms mail`` command (``lms.feature``)."""

from lms.feature import Feature, Job
from lms.mail.cli import mail_group
from lms.mail.outbox import drain_mail

feature = Feature(
    name="mail",
    cli=(mail_group,),
    jobs=(Job("drain-mail", drain_mail, {"trigger": "interval", "seconds": 60}),),
)
