"""One pipeline for every file HR imports (a staff roster, e-learning completions, the organisation's teams).

Each kind is an `Importer` (registry in `base`): `plan(data)` reads the file and compares it with the database,
writing nothing; `apply(batch, plan, progress)` makes the changes. `services` keeps the upload in private storage
with its dry-run summary on an `ImportBatch`, and applies it in the task worker (`tasks`), reporting progress on the
batch as it goes, so a large file never runs inside a web request nor holds the ledger's lock for long.
"""
