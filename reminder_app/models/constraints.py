"""How the models state the business's invariants to the database, so that a row that breaks
one is refused whichever code (or hand-written SQL) writes it.

Tenancy: a record's parent must belong to the same practice. The child's foreign key names
both columns (`patient_id, practice_id` → `patient.id, patient.practice_id`), which needs a
unique `(id, practice_id)` on the parent. Live rows: a partial unique index, with the same
condition on SQLite and PostgreSQL.
"""

from sqlalchemy import ForeignKeyConstraint, Index, UniqueConstraint, text


def tenant_key() -> UniqueConstraint:
    """On a parent table: what a same-practice foreign key points at."""
    return UniqueConstraint("id", "practice_id")


def same_practice(column: str, parent: str, **options) -> ForeignKeyConstraint:
    """`column` references a row of `parent` of this row's own practice (a NULL `column`
    references nothing, and is not checked)."""
    return ForeignKeyConstraint([column, "practice_id"], [f"{parent}.id", f"{parent}.practice_id"],
                                **options)


def unique_while(name: str, where: str, *columns: str) -> Index:
    """At most one row per `columns` among the rows for which `where` (SQL) holds."""
    return Index(name, *columns, unique=True, sqlite_where=text(where),
                 postgresql_where=text(where))
