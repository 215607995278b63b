"""The shared readers every family parser is built from: fields, lists, grids, tables, rules and furniture."""
