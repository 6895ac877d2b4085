"""Serve Ralph with uvicorn, its file backend appending to its data file.

Run with Ralph's own interpreter, ``-P`` keeping this folder (and our ``ralph.py``) off its path:
``.venv-ralph/bin/python -P bench/support/ralph_launcher.py HOST PORT``;
it imports nothing of ours. Ralph's file backend writes with ``operation_type`` CREATE by default,
which refuses an existing file: every POST after the first would answer 500 ("... already exists and
overwrite is not allowed"). The LRS backend inherits ``default_operation_type`` from
``FSDataBackend`` and the statements router calls ``write`` without an operation type, so switching
the class default to APPEND before the app is imported makes every write an append.
"""

import sys

from ralph.backends.data.base import BaseOperationType
from ralph.backends.data.fs import FSDataBackend
from ralph.backends.lrs.fs import FSLRSBackend

FSDataBackend.default_operation_type = BaseOperationType.APPEND
assert FSLRSBackend.default_operation_type is BaseOperationType.APPEND

import uvicorn  # noqa: E402
from ralph.api import app  # noqa: E402

if __name__ == "__main__":
    host, port = sys.argv[1], int(sys.argv[2])
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
