"""The person's own data: "Mine data" (show and export), erasure, retention, and the public privacy
and accessibility pages.

Each feature package answers the privacy signals (``lms.signals.personal_data_requested`` and
``person_erasing``) from a ``privacy.py`` of its own, which its ``Feature`` declares
(``lms.feature``); loading the feature imports it and its receivers connect. A plugin connects its
own receivers in ``Feature.connect``.
"""
