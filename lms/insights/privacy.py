"""What this feature stores, for the privacy declaration.

**Card statistics** store nothing of their own: they are counted from the answers
(``lms.learning``) when the page is opened, only for the people the viewer may see, and show how
many answered, the share right and how the answers spread over the options, never who. A share or
a spread is shown only from 5 answers on.

**Ratings of a module** (thumbs up or down and an optional comment) hold: the module version, the
thumbs, the comment (markup stripped), the month it was given (no day or time) and the municipality
(the top unit) of the person who gave it. They hold no link to a person or an attempt, and their
key is random, so their order says nothing. They are therefore not in "Mine data" and are not
erased with the person; a comment is the only place a person could name themselves. What stops a
second rating of the same attempt is a flag on the attempt (``Attempt.rated``), which is in the
person's attempts in "Mine data" and says only *that* they rated, never what.

So there is nothing here to answer ``personal_data_requested`` or ``person_erasing`` with: the
module has no receivers, and the ``Feature`` declares it so that the declaration is found with the
others.
"""
