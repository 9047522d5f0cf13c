from django.apps import AppConfig


class SccConfig(AppConfig):
    name = "scc"
    verbose_name = "SCC Dispatch"

    def ready(self):
        from scc import checks  # noqa: F401 (registers the deploy checks)
        from scc.dynamodb import bind_models

        bind_models()
