"""xAPI statements: made from the signals, delivered by the scheduler, shown to admins
(``lms.feature``)."""

from lms.feature import Feature, Job
from lms.tracking import privacy, receivers
from lms.tracking.cli import xapi_group
from lms.tracking.services import deliver_outbox, prune_outbox
from lms.tracking.views import bp

feature = Feature(
    name="tracking",
    blueprints=(bp,),
    connect=receivers.connect,
    cli=(xapi_group,),
    jobs=(
        Job(
            "deliver-xapi",
            deliver_outbox,
            lambda config: {"trigger": "interval", "seconds": config["XAPI_DELIVERY_SECONDS"]},
        ),
        Job("prune-xapi-outbox", prune_outbox, {"trigger": "cron", "hour": 3, "minute": 17}),
    ),
    privacy=privacy,
)
