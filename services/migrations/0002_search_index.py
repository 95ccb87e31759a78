"""Full-text search support on PostgreSQL; nothing at all on other databases.

- the ``unaccent`` extension (a trusted extension: the database owner may create it);
- ``distretto_unaccent(text)``, an IMMUTABLE wrapper of ``unaccent()`` (which is only STABLE),
  schema-qualified so that it also works with an empty search_path (pg_dump / pg_restore);
- ``search_document``, a tsvector column holding the weighted Italian document of a service
  (title A, summary B, description C). A trigger fills it whenever a service is inserted or its
  title, summary or description change. A trigger rather than a generated column, so that later
  migrations may still alter those columns (PostgreSQL refuses to alter the type of a column a
  generated column depends on). The model does not declare the column: ``services.search`` reads
  it on PostgreSQL only;
- a GIN index on that column.
"""

from django.db import migrations

COLUMN = "search_document"
INDEX_NAME = "service_search_document_gin"
FUNCTION = "services_welfareservice_search_document"
TRIGGER = "services_welfareservice_search_document"


def document(row, schema):
    """The weighted document of ``row`` (``NEW`` in the trigger, the table when back-filling)."""
    unaccent = f"{schema}.distretto_unaccent"

    def part(column, weight):
        return (
            f"setweight(to_tsvector('pg_catalog.italian'::regconfig, "
            f"COALESCE({unaccent}({row}.{column}), '')), '{weight}')"
        )

    return " || ".join(
        [part('"title"', "A"), part('"summary"', "B"), part('"description"', "C")]
    )


def _postgresql(schema_editor):
    return schema_editor.connection.vendor == "postgresql"


def _table(apps, schema_editor):
    model = apps.get_model("services", "WelfareService")
    return schema_editor.quote_name(model._meta.db_table)


def create_search_support(apps, schema_editor):
    if not _postgresql(schema_editor):
        return
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        cursor.execute(
            "SELECT n.nspname FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
        )
        unaccent_schema = quote(cursor.fetchone()[0])
        cursor.execute("SELECT current_schema()")
        schema = quote(cursor.fetchone()[0])
    table = _table(apps, schema_editor)
    schema_editor.execute(
        f"CREATE OR REPLACE FUNCTION {schema}.distretto_unaccent(text) RETURNS text "
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ "
        f"SELECT {unaccent_schema}.unaccent('{unaccent_schema}.unaccent'::regdictionary, $1) $$"
    )
    schema_editor.execute(f"ALTER TABLE {table} ADD COLUMN {quote(COLUMN)} tsvector")
    schema_editor.execute(
        f"CREATE OR REPLACE FUNCTION {schema}.{FUNCTION}() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"NEW.{quote(COLUMN)} := {document('NEW', schema)}; "
        "RETURN NEW; END $$"
    )
    schema_editor.execute(
        f"CREATE TRIGGER {TRIGGER} BEFORE INSERT OR UPDATE OF title, summary, description "
        f"ON {table} FOR EACH ROW EXECUTE FUNCTION {schema}.{FUNCTION}()"
    )
    schema_editor.execute(f"UPDATE {table} SET {quote(COLUMN)} = {document(table, schema)}")
    schema_editor.execute(
        f"CREATE INDEX {quote(INDEX_NAME)} ON {table} USING gin ({quote(COLUMN)})"
    )


def drop_search_support(apps, schema_editor):
    if not _postgresql(schema_editor):
        return
    quote = schema_editor.quote_name
    table = _table(apps, schema_editor)
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    schema_editor.execute(f"DROP INDEX IF EXISTS {quote(INDEX_NAME)}")
    schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {quote(COLUMN)}")
    schema_editor.execute("DROP FUNCTION IF EXISTS distretto_unaccent(text)")


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]

    operations = [migrations.RunPython(create_search_support, drop_search_support)]
