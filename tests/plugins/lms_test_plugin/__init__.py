"""A card type and a module pack from outside the ``lms`` package, registered only through entry
points (the tests write its ``dist-info`` folder): proof that plugins need no change to the core."""
