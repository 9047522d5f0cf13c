"""The stages as zappa_settings.json describes them, and what Lambda says about their functions."""

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ZAPPA_SETTINGS = ROOT / "zappa_settings.json"


@dataclass(frozen=True)
class Stage:
    name: str
    function: str
    region: str
    prefix: str

    @property
    def log_group(self):
        return f"/aws/lambda/{self.function}"


def stage(name, *, path=ZAPPA_SETTINGS):
    settings = json.loads(Path(path).read_text())
    if name not in settings:
        raise ValueError(f"No stage {name!r} in {Path(path).name} (stages: {', '.join(settings)})")
    config = dict(settings[name])
    while "extends" in config:  # a shallow merge, as Zappa does it
        config = {**settings[config.pop("extends")], **config}
    prefix = config.get("aws_environment_variables", {}).get("SCC_URL_PREFIX", "")
    # Zappa names the function <project_name>-<stage>.
    return Stage(name, f"{config['project_name']}-{name}", config["aws_region"], prefix)


def client(service, stage):
    import boto3

    return boto3.client(service, region_name=stage.region)


@dataclass(frozen=True)
class FunctionState:
    """When the function's code or configuration last changed, and which code it runs."""

    last_modified: datetime
    code_sha256: str


def function_url(lambda_client, function):
    """The function's own URL (what CloudFront calls), or None when it has none."""
    try:
        return lambda_client.get_function_url_config(FunctionName=function)["FunctionUrl"]
    except lambda_client.exceptions.ResourceNotFoundException:
        return None


def function_state(lambda_client, function):
    config = lambda_client.get_function_configuration(FunctionName=function)
    return FunctionState(datetime.fromisoformat(config["LastModified"]), config["CodeSha256"])
