"""Learning events as xAPI statements (the platform's profile, docs/xapi-profile.md), recorded to the
outbox in the transaction of the event, and the operations around delivery."""
