"""``kind: sql``: a query returning one number, through SQLAlchemy, against a URL from the environment."""

from __future__ import annotations

import json

from okrops.collect.sources.base import Fetched, MetricSource, SourceFailed, as_number, one_line


class SqlSource(MetricSource):
    kind = "sql"

    def describe(self) -> str:
        return one_line(f"SQL on ${self.spec['url_env']}: {self.spec['query']}")

    def fetch(self) -> Fetched:
        import sqlalchemy
        from sqlalchemy.engine import make_url

        text = self.env(self.spec["url_env"], "the database URL")
        try:
            url = make_url(text)
        except Exception:  # noqa: BLE001 - SQLAlchemy raises ArgumentError and ValueError here
            raise SourceFailed(f"${self.spec['url_env']} is not a database URL (dialect://user:password@host/database)") from None
        secret = url.password or ""
        try:
            engine = sqlalchemy.create_engine(url, connect_args=_timeouts(url.get_backend_name(), self.timeout),
                                              poolclass=sqlalchemy.pool.NullPool)
        except Exception as exc:  # noqa: BLE001 - a missing driver, an unknown dialect
            raise SourceFailed(f"cannot use ${self.spec['url_env']}: {_scrub(exc, secret)}") from None
        try:
            with engine.connect() as connection:
                result = connection.execute(sqlalchemy.text(self.spec["query"]))
                rows = result.fetchmany(2) if result.returns_rows else []
        except Exception as exc:  # noqa: BLE001 - every DBAPI error class differs
            raise SourceFailed(f"the query failed: {_scrub(exc, secret)}") from None
        finally:
            engine.dispose()
        if not rows:
            raise SourceFailed("the query returned no rows")
        if len(rows) > 1:
            raise SourceFailed("the query returned more than one row; it must return exactly one")
        row = tuple(rows[0])
        if len(row) != 1:
            raise SourceFailed(f"the query returned {len(row)} columns; it must return exactly one")
        raw = json.dumps([[_plain(v) for v in row]], default=str).encode("utf-8")
        return Fetched(as_number(row[0], "the query's result"), raw)


def _plain(value):
    return value if isinstance(value, (int, float, str, type(None))) else str(value)


def _timeouts(backend: str, seconds: float) -> dict:
    """Driver options so that connecting and the query give up after ``seconds`` where the driver allows."""
    if backend == "sqlite":
        return {"timeout": seconds}
    if backend == "postgresql":
        return {"connect_timeout": max(1, int(seconds)), "options": f"-c statement_timeout={int(seconds * 1000)}"}
    if backend in ("mysql", "mariadb"):
        return {"connect_timeout": max(1, int(seconds))}
    return {}


def _scrub(exc: BaseException, secret: str) -> str:
    """The error's first line without the password (a driver may repeat the URL) and SQLAlchemy's footer."""
    text = str(getattr(exc, "orig", None) or exc).split("\n")[0]
    if secret:
        text = text.replace(secret, "***")
    return one_line(text, 200)
