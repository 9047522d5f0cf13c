"""Deploy-time code: packaging, CloudFront routing, smoke checks, the promotion gate, history.

None of it runs in Lambda: `deploy` is in zappa_settings.json's `exclude`, so the zip does
not carry it. The management commands that use it import it inside `handle()`.
"""
