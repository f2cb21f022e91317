"""The database layer: engine, typed models, migrations. Only services import it."""
