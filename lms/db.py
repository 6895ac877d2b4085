"""The declarative base, the constraint naming convention and the column types every model shares."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, registry

from xapi.db import UTCDateTime, utcnow
from xapi.db import metadata as xapi_metadata

__all__ = ["Base", "UTCDateTime", "text_enum", "utcnow"]


def text_enum(enum_class: type[enum.Enum]) -> sa.Enum:
    """An enum column stored as its values in a short string column (no native database type)."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        length=20,
        values_callable=lambda members: [member.value for member in members],
    )


class Base(DeclarativeBase):
    """The models' base. Its metadata is the one the xAPI tables live on, so one set of migrations
    and one ``create_all`` covers both."""

    registry = registry(
        metadata=xapi_metadata,
        type_annotation_map={datetime: UTCDateTime},
    )
