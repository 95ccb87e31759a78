"""A search document that holds everything a person may type; the words for "did you mean".

PostgreSQL only (nothing at all on other databases):

- ``search_document`` (from ``0002``) now also holds, with weight C, the area, the address, the
  pricing terms and the cost (as the words "gratuito", "agevolato", "a pagamento"), the
  provider's name and short name, the category and the audiences; the description moves to D, so a title
  (A) ranks above a summary (B) above those fields above the description. The row trigger
  reads the provider, category and audiences with three indexed look-ups;
- triggers on the tables those come from keep the document up to date when a service's
  audiences change (statement-level, so that bulk writes cost one UPDATE) or when an
  organisation, a category or an audience is renamed;
- ``pg_trgm`` and ``services_search_word``, the words (lower case, no accents) of every
  service, with a trigram GIN index: the search offers the closest one when a typed word is
  in no service. Filled by statement-level triggers on the inserts and updates of services
  (only the rows whose text changed; words are never removed: a suggestion is only shown when
  it finds visible services);
- every existing document and the word list are rebuilt.
"""

import importlib

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

initial = importlib.import_module("services.migrations.0002_search_index")

COLUMN = initial.COLUMN
FUNCTION = initial.FUNCTION
TRIGGER = initial.TRIGGER
WORDS_TABLE = "services_search_word"
WORDS_INDEX = "services_search_word_trgm"
WORDS_FUNCTION = "services_welfareservice_collect_words"
TOUCH_FUNCTION = "services_welfareservice_touch"
TOUCH_BY_PROVIDER = "services_touch_by_provider"
TOUCH_BY_CATEGORY = "services_touch_by_category"
TOUCH_BY_AUDIENCE = "services_touch_by_audience"
# Columns whose change makes the row trigger recompute the document.
SOURCE_COLUMNS = (
    "title",
    "summary",
    "description",
    "area",
    "address",
    "cost",
    "cost_conditions",
    "provider_id",
    "category_id",
)


def _tables(apps, schema_editor):
    quote = schema_editor.quote_name
    service = apps.get_model("services", "WelfareService")
    through = service._meta.get_field("audiences").remote_field.through
    return {
        "service": quote(service._meta.db_table),
        "through": quote(through._meta.db_table),
        "audience": quote(apps.get_model("services", "Audience")._meta.db_table),
        "category": quote(apps.get_model("services", "Category")._meta.db_table),
        "organization": quote(apps.get_model("partners", "Organization")._meta.db_table),
    }


def _schemas(schema_editor):
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return quote(cursor.fetchone()[0])


def _document(t, schema):
    """The weighted document of ``NEW`` in the row trigger."""
    unaccent = f"{schema}.distretto_unaccent"

    def part(text, weight):
        return (
            f"setweight(to_tsvector('pg_catalog.italian'::regconfig, "
            f"COALESCE({unaccent}({text}), '')), '{weight}')"
        )

    details = (
        "concat_ws(' ', NEW.area, NEW.address, NEW.cost_conditions, "
        "CASE NEW.cost WHEN 'free' THEN 'gratuito' WHEN 'discounted' THEN 'agevolato' "
        "WHEN 'paid' THEN 'a pagamento' END, "
        f"(SELECT concat_ws(' ', o.name, o.short_name) FROM {t['organization']} o "
        "WHERE o.id = NEW.provider_id), "
        f"(SELECT c.name FROM {t['category']} c WHERE c.id = NEW.category_id), "
        f"(SELECT string_agg(a.name, ' ') FROM {t['through']} wa "
        f"JOIN {t['audience']} a ON a.id = wa.audience_id WHERE wa.welfareservice_id = NEW.id))"
    )
    return " || ".join(
        [
            part('NEW."title"', "A"),
            part('NEW."summary"', "B"),
            part(details, "C"),
            part('NEW."description"', "D"),
        ]
    )


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    t = _tables(apps, schema_editor)
    schema = _schemas(schema_editor)
    run = schema_editor.execute

    # The document, recomputed when any of its sources changes.
    run(
        f"CREATE OR REPLACE FUNCTION {schema}.{FUNCTION}() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"NEW.{quote(COLUMN)} := {_document(t, schema)}; "
        "RETURN NEW; END $$"
    )
    run(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {t['service']}")
    run(
        f"CREATE TRIGGER {TRIGGER} BEFORE INSERT OR UPDATE OF {', '.join(SOURCE_COLUMNS)} "
        f"ON {t['service']} FOR EACH ROW EXECUTE FUNCTION {schema}.{FUNCTION}()"
    )

    # Changes elsewhere "touch" the services concerned, which fires the row trigger.
    run(
        f"CREATE OR REPLACE FUNCTION {schema}.{TOUCH_FUNCTION}() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"UPDATE {t['service']} SET provider_id = provider_id "
        "WHERE id IN (SELECT welfareservice_id FROM changed); RETURN NULL; END $$"
    )
    for event, table in (("INSERT", "NEW"), ("DELETE", "OLD")):
        run(
            f"CREATE TRIGGER services_audiences_touch_{event.lower()} AFTER {event} "
            f"ON {t['through']} REFERENCING {table} TABLE AS changed "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {schema}.{TOUCH_FUNCTION}()"
        )
    renamed = {
        TOUCH_BY_PROVIDER: (t["organization"], ("name", "short_name"), "provider_id = NEW.id"),
        TOUCH_BY_CATEGORY: (t["category"], ("name",), "category_id = NEW.id"),
        TOUCH_BY_AUDIENCE: (
            t["audience"],
            ("name",),
            f"id IN (SELECT welfareservice_id FROM {t['through']} WHERE audience_id = NEW.id)",
        ),
    }
    for name, (table, columns, where) in renamed.items():
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
        run(
            f"CREATE OR REPLACE FUNCTION {schema}.{name}() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            f"UPDATE {t['service']} SET provider_id = provider_id WHERE {where}; "
            "RETURN NULL; END $$"
        )
        run(
            f"CREATE TRIGGER {name} AFTER UPDATE OF {', '.join(columns)} ON {table} "
            f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {schema}.{name}()"
        )

    # The words of the catalogue, for typing-mistake corrections.
    run(f"CREATE TABLE {WORDS_TABLE} (word text PRIMARY KEY)")
    run(f"CREATE INDEX {WORDS_INDEX} ON {WORDS_TABLE} USING gin (word gin_trgm_ops)")
    # On UPDATE only the rows whose words changed count: an UPDATE of status, of the
    # featured flag or a "touch" after an audience changed adds nothing and costs nothing.
    words_of = (
        "SELECT DISTINCT token FROM {rows}, LATERAL unnest(tsvector_to_array(to_tsvector("
        f"'pg_catalog.simple'::regconfig, {schema}.distretto_unaccent(concat_ws(' ', "
        "s.title, s.summary, s.description, s.area, s.address, s.cost_conditions, "
        f"(SELECT concat_ws(' ', o.name, o.short_name) FROM {t['organization']} o "
        "WHERE o.id = s.provider_id), "
        f"(SELECT c.name FROM {t['category']} c WHERE c.id = s.category_id)))))) AS token "
        "WHERE length(token) BETWEEN 3 AND 30 AND token ~ '^[[:alpha:]]+$'"
    )
    text_changed = " OR ".join(
        f"s.{column} IS DISTINCT FROM prior.{column}"
        for column in SOURCE_COLUMNS
        if column != "cost"
    )
    run(
        f"CREATE OR REPLACE FUNCTION {schema}.{WORDS_FUNCTION}() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'INSERT' THEN "
        f"INSERT INTO {schema}.{WORDS_TABLE} (word) {words_of.format(rows='changed s')} "
        "ON CONFLICT DO NOTHING; "
        "ELSE "
        "WITH moved AS MATERIALIZED (SELECT s.* FROM changed s "
        f"JOIN previous prior ON prior.id = s.id WHERE {text_changed}) "
        f"INSERT INTO {schema}.{WORDS_TABLE} (word) {words_of.format(rows='moved s')} "
        "ON CONFLICT DO NOTHING; "
        "END IF; RETURN NULL; END $$"
    )
    run(
        f"CREATE TRIGGER services_collect_words_insert AFTER INSERT ON {t['service']} "
        "REFERENCING NEW TABLE AS changed "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {schema}.{WORDS_FUNCTION}()"
    )
    run(
        f"CREATE TRIGGER services_collect_words_update AFTER UPDATE ON {t['service']} "
        "REFERENCING OLD TABLE AS previous NEW TABLE AS changed "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {schema}.{WORDS_FUNCTION}()"
    )

    # Rebuild every document with the new trigger, then collect every word once.
    run(f"UPDATE {t['service']} SET provider_id = provider_id")
    run(
        f"INSERT INTO {schema}.{WORDS_TABLE} (word) "
        f"{words_of.format(rows=t['service'] + ' s')} ON CONFLICT DO NOTHING"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    t = _tables(apps, schema_editor)
    run = schema_editor.execute
    for event in ("insert", "update"):
        run(f"DROP TRIGGER IF EXISTS services_collect_words_{event} ON {t['service']}")
    for event in ("insert", "delete"):
        run(f"DROP TRIGGER IF EXISTS services_audiences_touch_{event} ON {t['through']}")
    for name, table in (
        (TOUCH_BY_PROVIDER, t["organization"]),
        (TOUCH_BY_CATEGORY, t["category"]),
        (TOUCH_BY_AUDIENCE, t["audience"]),
    ):
        run(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        run(f"DROP FUNCTION IF EXISTS {name}()")
    run(f"DROP FUNCTION IF EXISTS {TOUCH_FUNCTION}()")
    run(f"DROP FUNCTION IF EXISTS {WORDS_FUNCTION}()")
    run(f"DROP TABLE IF EXISTS {WORDS_TABLE}")
    # The document of 0002: title, summary, description.
    run(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {t['service']}")
    initial.drop_search_support(apps, schema_editor)
    initial.create_search_support(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0006_synonym_group"),
        ("partners", "0006_referent_invitation_token_hash"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(forwards, backwards),
    ]
