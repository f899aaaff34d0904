"""Running trigger SQL written once for each database the portal supports."""


def execute_for_vendor(connection, *, postgresql: list[str], sqlite: list[str]) -> None:
    statements = {"postgresql": postgresql, "sqlite": sqlite}.get(connection.vendor)
    if statements is None:
        raise RuntimeError(f"The portal supports PostgreSQL and SQLite, not {connection.vendor}.")
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
