"""Reports for leaders, and the requirements they set for their units (``lms.feature``)."""

from lms.feature import Feature, Job
from lms.reports import matrix_views, overview_views  # noqa: F401  (their routes join ``bp``)
from lms.reports.overview import record_month
from lms.reports.requirements import bp as requirements_bp
from lms.reports.views import bp

feature = Feature(
    name="reports",
    blueprints=(bp, requirements_bp),
    jobs=(Job("report-month-figures", record_month, {"trigger": "cron", "hour": 3, "minute": 17}),),
)
