"""Declarative base, naming convention and the column types the models share."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from sqlalchemy import JSON, DateTime, Dialect, Enum, MetaData, Numeric, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, mapped_column

from domain import clock

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Column defaults and use cases read the domain clock (domain/clock.py), never the wall clock."""
    return clock.now()


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp with time zone that reads back aware, in UTC where the database keeps no offset.

    PostgreSQL keeps the instant. SQLite keeps text without an offset: written there in UTC and read back as
    UTC, or the API on SQLite printed times with no offset and a +02:00 time was stored as its wall clock.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is None or dialect.name != "sqlite":
            return value
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {
        Decimal: Numeric(14, 2),
        datetime: UtcDateTime(),
        dict[str, Any]: JSON,
        dict[str, str]: JSON,
        list[dict[str, Any]]: JSON,
        list[dict[str, object]]: JSON,
        list[int]: JSON,
    }


def str_enum(enum_cls: type[enum.Enum], length: int = 24) -> Enum:
    """Enums are stored as plain strings so both databases migrate them the same way."""
    return Enum(enum_cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


intpk = Annotated[int, mapped_column(primary_key=True)]
code_str = Annotated[str, mapped_column(String(64))]
name_str = Annotated[str, mapped_column(String(200))]
