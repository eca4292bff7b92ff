"""PostgreSQL access: the lazy pool, the migration runner and the repositories.

All SQL lives in this package. Functions take a connection explicitly so that a
test or a surrounding transaction can pass its own.
"""
