"""`forum backup` / `forum restore`: a portable dump of every table, SQLite and PostgreSQL alike.

Format: newline-delimited JSON (gzip when the file name ends in `.gz`):
1. a header `{"format": "smart-city-forum-backup", "version": 1, "revision", "dialect", "created_at", "tables"}`,
2. for each table in foreign-key order, its rows as `{"t": table, "r": {column: value}}`, ordered by primary key,
3. a trailer `{"end": true, "rows": {table: count}}` — a file without it (full disk, killed
   process) is refused on restore.

The file holds every account's e-mail address and password hash: it is created readable by its
owner only (0600), whatever the umask. Stored HTML (`live_messages.body_html`) is never taken
from a file on restore: it is rendered again from its Markdown source through forum/text.py, so
an edited backup cannot plant markup in the pages.

The dump is read in one snapshot (PostgreSQL REPEATABLE READ, an SQLite read transaction), so
it is consistent while the forum keeps running. It is written to `FILE.partial` and renamed
only when complete; on any failure the partial file is removed. Restore needs an empty database
migrated to the backup's revision and inserts the columns that database has (its tables are
reflected, so a backup of an older revision fits although the models moved on); it loads
everything in one transaction (all or nothing), sets PostgreSQL's id sequences past the
restored ids, and re-applies the account deletion ledgers it is given (see `ledger`).
"""
from __future__ import annotations

import base64
import datetime as dt
import decimal
import gzip
import json
import logging
import os
import uuid
from pathlib import Path
from typing import IO, Any, Iterator

from sqlalchemy import Table, func, inspect, select, text, types
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..text import render_markdown

FORMAT = "smart-city-forum-backup"
VERSION = 1
BATCH = 500


class BackupError(Exception):
    """A backup cannot be written or restored; the message says why, for the operator."""


def _tables() -> list[Table]:
    from .. import models  # noqa: F401 - every table must be known

    return list(db.metadata.sorted_tables)


def derived_html_columns() -> dict[str, dict[str, str]]:
    """Per table, each stored HTML column `<x>_html` and the user text `<x>` it is rendered from."""
    found: dict[str, dict[str, str]] = {}
    for table in _tables():
        for column in table.columns:
            source = column.name.removesuffix("_html")
            if column.name.endswith("_html") and source in table.columns:
                found.setdefault(table.name, {})[column.name] = source
    return found


def _private_file(path: str) -> None:
    """Create (or empty) `path` readable and writable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # O_CREAT's mode does not apply to a file that already existed
    finally:
        os.close(fd)


def _open(path: str, mode: str, compressed: bool | None = None) -> IO[str]:
    if path.endswith(".gz") if compressed is None else compressed:
        return gzip.open(path, mode + "t", encoding="utf-8")
    return open(path, mode, encoding="utf-8")


def _encode(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$b64": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _decoder(column_type: types.TypeEngine):
    if isinstance(column_type, types.DateTime):
        return dt.datetime.fromisoformat
    if isinstance(column_type, types.Date):
        return dt.date.fromisoformat
    if isinstance(column_type, types.Time):
        return dt.time.fromisoformat
    if isinstance(column_type, types.LargeBinary):
        return lambda v: base64.b64decode(v["$b64"])
    if isinstance(column_type, types.Numeric) and not isinstance(column_type, types.Float):
        return decimal.Decimal
    if isinstance(column_type, types.Uuid):
        return lambda v: uuid.UUID(v) if isinstance(v, str) else v
    return None


def current_revision(connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _rows(connection, table: Table) -> Iterator[dict]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = connection.execute(select(table).order_by(*order),
                                execution_options={"stream_results": True, "yield_per": BATCH})
    for row in result.mappings():
        yield {key: _encode(value) for key, value in row.items()}


def write_backup(path: str) -> dict[str, int]:
    """Dump every table to `path`; returns rows per table. Raises BackupError (e.g. disk full)."""
    partial = path + ".partial"
    counts: dict[str, int] = {}
    engine = db.engine
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    try:
        _private_file(partial)
        with engine.connect().execution_options(**options) as connection, _open(partial, "w", path.endswith(".gz")) as out:
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("BEGIN")  # one snapshot for every table (WAL)
            # the forum's tables with the columns this database has: a database not yet migrated to
            # the code's revision is dumped as it is (and restores into that revision)
            present = set(inspect(connection).get_table_names())
            tables = list(_target_tables(connection, [t.name for t in _tables() if t.name in present]).values())
            header = {"format": FORMAT, "version": VERSION, "revision": current_revision(connection),
                      "dialect": engine.dialect.name, "tables": [t.name for t in tables],
                      "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
            out.write(json.dumps(header) + "\n")
            for table in tables:
                counts[table.name] = 0
                for row in _rows(connection, table):
                    out.write(json.dumps({"t": table.name, "r": row}, ensure_ascii=False) + "\n")
                    counts[table.name] += 1
            out.write(json.dumps({"end": True, "rows": counts}) + "\n")
            connection.rollback()
        with open(partial, "rb") as done:
            os.fsync(done.fileno())
        os.replace(partial, path)
    except BaseException as err:
        # whatever went wrong (full disk, database away, Ctrl-C): no half dump of personal data stays
        Path(partial).unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise BackupError(f"Sicherung konnte nicht geschrieben werden: {err.strerror or err}") from err
        if isinstance(err, SQLAlchemyError):
            raise BackupError(f"Sicherung fehlgeschlagen, Fehler der Datenbank: {_first_line(err)}") from None
        raise
    return counts


def _first_line(err: SQLAlchemyError) -> str:
    """The driver's error class and the first line of its message: never the statement or its parameters."""
    from .outage import first_line

    return f"{(getattr(err, 'orig', None) or err).__class__.__name__}: {first_line(err)}".rstrip(": ")


def _items(path: str) -> Iterator[dict]:
    try:
        with _open(path, "r") as source:
            for line in source:
                yield json.loads(line)
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise BackupError(f"Die Sicherung ist beschädigt oder unvollständig: {err}") from err


def check_backup(path: str) -> tuple[dict, dict[str, int]]:
    """Header and rows per table of a complete backup file (one streaming pass). Raises BackupError."""
    items = _items(path)
    header = next(items, None)
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError("Die Datei ist keine Sicherung des Smart-City-Forums.")
    if header.get("version") != VERSION:
        raise BackupError(f"Sicherungsformat {header.get('version')} wird nicht unterstützt.")
    seen = {name: 0 for name in header["tables"]}
    trailer = None
    for item in items:
        if item.get("end"):
            trailer = item.get("rows")
            break
        if item.get("t") not in seen:
            raise BackupError(f"Die Sicherung enthält Zeilen einer unbekannten Tabelle: {item.get('t')}")
        seen[item["t"]] += 1
    if trailer != seen:
        raise BackupError("Die Sicherung ist unvollständig (kein Abschluss oder falsche Zeilenzahl); "
                          "sie wird nicht eingespielt.")
    return header, seen


def backup_rows(path: str, table: str | None = None) -> Iterator[tuple[str, dict]]:
    """(table, row) pairs of a backup file, in file order (optionally of one table)."""
    for item in _items(path):
        if item.get("end"):
            return
        if "t" in item and (table is None or item["t"] == table):
            yield item["t"], item["r"]


def deletion_ledger(path: str) -> list[int]:
    """The deleted account ids recorded in a (complete) backup file."""
    check_backup(path)
    return [int(row["user_id"]) for _t, row in backup_rows(path, "account_deletions")]


def _fix_sequences(connection, tables: list[Table]) -> None:
    for table in tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, types.Integer):
            continue
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": pk[0].name}).scalar()
        if sequence:
            top = connection.execute(select(func.max(pk[0]))).scalar()
            connection.execute(text("SELECT setval(:s, :v, :called)"),
                               {"s": sequence, "v": top or 1, "called": top is not None})


def _target_tables(connection, names: list[str]) -> dict[str, Table]:
    """The tables `names` as this database has them (reflected): only the columns that exist here,
    typed as the models type them where the models know the column (the same values as ever), as
    reflected otherwise; no defaults, so an INSERT names exactly the columns of the row. A backup
    taken at an older revision thus restores into a database migrated to that revision, although
    today's models have columns it did not have yet."""
    from sqlalchemy import Column, MetaData

    inspector = inspect(connection)
    models = {t.name: t for t in _tables()}
    metadata = MetaData()
    found: dict[str, Table] = {}
    for name in names:
        primary = set(inspector.get_pk_constraint(name).get("constrained_columns") or ())
        model = models.get(name)
        here = {c["name"]: c["type"] for c in inspector.get_columns(name)}
        known = [c.name for c in model.columns if c.name in here] if model is not None else []
        order = known + [column for column in here if column not in known]  # the models' order first
        columns = [Column(column, model.columns[column].type if column in known else here[column],
                          primary_key=column in primary) for column in order]
        found[name] = Table(name, metadata, *columns)
    return found


def _failure(err: SQLAlchemyError, table: str | None = None) -> BackupError:
    """One line for the operator; never the statement's parameters (password hashes, addresses)."""
    where = f"Tabelle {table}: " if table else ""
    return BackupError(f"Einspielen fehlgeschlagen, nichts wurde geändert. {where}{_first_line(err)}")


def restore_backup(path: str, reapply_from: tuple[str, ...] = ()) -> dict[str, int]:
    """Load `path` into this empty database, migrated to the backup's revision, and re-apply the
    deletion ledgers of the `reapply_from` backups. Returns rows per table plus
    `reapplied_deletions`. Flushes, never commits; raises BackupError (one line, never a row's
    values) and leaves the database untouched when anything is wrong."""
    # psycopg logs a second, redundant line ("error ignored terminating <Pipeline …>") when an
    # INSERT of a batch fails; the BackupError says it all
    driver_log = logging.getLogger("psycopg")
    level = driver_log.level
    driver_log.setLevel(logging.ERROR)
    try:
        return _restore(path, reapply_from)
    except SQLAlchemyError as err:
        raise _failure(err) from None
    finally:
        driver_log.setLevel(level)


def _restore(path: str, reapply_from: tuple[str, ...]) -> dict[str, int]:
    from .ledger import reapply

    header, counts = check_backup(path)
    later_deletions = [uid for other in reapply_from for uid in deletion_ledger(other)]
    connection = db.session.connection()
    revision = current_revision(connection)
    if revision != header.get("revision"):
        raise BackupError(f"Die Datenbank ist auf Stand {revision or 'leer (nicht migriert)'}, die Sicherung "
                          f"auf {header.get('revision')}: erst `forum db upgrade {header.get('revision')}`.")
    present = set(inspect(connection).get_table_names()) - {"alembic_version"}
    unknown = [name for name in header["tables"] if name not in present]
    if unknown:
        raise BackupError(f"Die Sicherung enthält Tabellen, die diese Datenbank nicht hat: {', '.join(unknown)}")
    # the forum's tables as this database has them (not SQLite's full-text shadow tables)
    tables = _target_tables(connection, sorted(({t.name for t in _tables()} | set(header["tables"])) & present))
    filled = [name for name, table in tables.items()
              if connection.execute(select(func.count()).select_from(table)).scalar()]
    if filled:
        raise BackupError(f"Die Datenbank ist nicht leer ({', '.join(filled)}); eingespielt wird nur in eine leere.")
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    decoders = {name: {c.name: _decoder(c.type) for c in tables[name].columns} for name in header["tables"]}
    rendered = derived_html_columns()

    def insert(name: str, rows: list[dict]) -> None:
        try:
            connection.execute(tables[name].insert(), rows)
        except SQLAlchemyError as err:
            raise _failure(err, name) from None

    batch: list[dict] = []
    batch_table: str | None = None
    for name, raw in backup_rows(path):
        if name != batch_table or len(batch) >= BATCH:
            if batch:
                insert(batch_table, batch)
            batch, batch_table = [], name
        columns = decoders[name]
        row = {key: (columns[key](value) if value is not None and columns.get(key) else value)
               for key, value in raw.items() if key in columns}
        for html, source in rendered.get(name, {}).items():
            if html in row:
                row[html] = str(render_markdown(row.get(source)))
        batch.append(row)
    if batch:
        insert(batch_table, batch)
    if connection.dialect.name == "postgresql":
        _fix_sequences(connection, [tables[name] for name in header["tables"]])
    result = dict(counts)
    result["reapplied_deletions"] = reapply(later_deletions) if later_deletions else 0
    return result
