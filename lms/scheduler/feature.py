"""The ``lms scheduler`` command (``lms.feature``); the jobs come from every loaded feature."""

from lms.feature import Feature
from lms.scheduler.cli import scheduler_group

feature = Feature(name="scheduler", cli=(scheduler_group,))
