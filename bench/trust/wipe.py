"""Emptying the bench tables before a build."""


def wipe(connection) -> list[str]:
    """Delete every row of teams, staff, requirements, the ledger and every table referencing them, however
    indirectly (TRUNCATE on PostgreSQL; referencing tables first on SQLite). Returns the labels of the models wiped
    outside the people and compliance apps."""
    from django.apps import apps

    roots = ["people.Team", "people.StaffMember", "compliance.Requirement", "compliance.EvidenceEntry"]
    models = [apps.get_model(label) for label in [*roots, "compliance.LedgerHead"]]
    references = {}  # model -> the models in the set it holds a foreign key to
    changed = True
    while changed:
        changed = False
        for model in apps.get_models(include_auto_created=True):
            targets = {
                field.related_model
                for field in model._meta.local_fields
                if field.is_relation and field.related_model in models and field.related_model is not model
            }
            if targets - references.get(model, set()):
                references.setdefault(model, set()).update(targets)
                changed = True
            if targets and model not in models:
                models.append(model)
    extra = [m._meta.label for m in models if m._meta.app_label not in ("people", "compliance")]
    ordered = []  # referencing models before the models they reference
    remaining = list(models)
    while remaining:
        ready = [m for m in remaining if not any(r in remaining for r in _referenced_by(m, references))]
        ordered.extend(ready or remaining)  # a cycle: DELETE with deferred constraints still succeeds
        remaining = [m for m in remaining if m not in ordered]
    tables = [connection.ops.quote_name(model._meta.db_table) for model in ordered]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")
    return extra


def _referenced_by(model, references) -> list:
    """The models that hold a foreign key to `model`."""
    return [m for m, targets in references.items() if model in targets]
