"""SMS reminders through Sveve (https://sveve.no), a Norwegian SMS provider: a Lærevakt plugin.

- ``gateway``: the gateway (``LMS_SMS_GATEWAY=sveve``) and Sveve's HTTP API;
- ``records``: what the plugin keeps in the instance folder (sent messages, the last balance);
- ``views``: the status page for municipality admins, ``/admin/sms-sveve/``;
- ``cli``: ``lms sms-sveve send-test`` and ``lms sms-sveve balance``;
- ``plugin``: the ``Feature`` that ties them in (entry point ``sms-sveve`` in ``lms.plugins``).
"""
