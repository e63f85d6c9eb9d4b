"""PostgreSQL only: the extensions, the French configuration without accents and the GIN
indexes of the full-text backend. Nothing happens on SQLite."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """DO $$ BEGIN
         IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'fr_unaccent') THEN
           CREATE TEXT SEARCH CONFIGURATION fr_unaccent (COPY = french);
           ALTER TEXT SEARCH CONFIGURATION fr_unaccent
             ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
         END IF;
       END $$""",
    "CREATE INDEX search_entry_document ON search_searchentry USING gin (document)",
    "CREATE INDEX search_entry_tags ON search_searchentry USING gin ((tags::jsonb) jsonb_path_ops)",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in FORWARD:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS search_entry_document")
    schema_editor.execute("DROP INDEX IF EXISTS search_entry_tags")


class Migration(migrations.Migration):
    dependencies = [("search", "0003_search_entry")]
    operations = [migrations.RunPython(forward, backward)]
