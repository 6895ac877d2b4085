"""Assignments of modules to people and units; its pages live in reports and the API
(``lms.feature``)."""

from lms.assignments import privacy
from lms.feature import Feature

feature = Feature(name="assignments", privacy=privacy)
