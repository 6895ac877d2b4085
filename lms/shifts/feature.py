"""Rotas and shift feeds (``lms.feature``)."""

from lms.feature import Feature, Job
from lms.shifts import privacy
from lms.shifts.services import sync_due_feeds
from lms.shifts.views import bp

feature = Feature(
    name="shifts",
    blueprints=(bp,),
    jobs=(Job("sync-shift-feeds", sync_due_feeds, {"trigger": "interval", "minutes": 10}),),
    privacy=privacy,
)
