from scc import clock


def operator_json(row):
    """An operator as the API shows it: never the password hash, nor the live session ids."""
    return {
        "username": row.username,
        "role": row.role,
        "disabled": row.disabled,
        "locked_until": clock.iso(row.locked_until) if row.locked_until else None,
        "last_login_at": row.last_login_at,
    }
