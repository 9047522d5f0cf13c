"""Check a built Lambda zip the way Lambda runs it (run by `make package`; no AWS needed).

Extracts the zip, then in a fresh interpreter with only the zip and the libraries the
Lambda Python runtime provides (boto3, botocore and their dependencies) on sys.path,
calls the configured handler with Function URL events for the login page and a static file.
"""

import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

RUNTIME_PROVIDED = ["boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six.py", "urllib3"]
MAX_MIB = 10

PROBE = r"""
import json, sys
from scc.lambda_entry import lambda_handler
for path in sys.argv[1:]:
    event = {"version": "2.0", "rawPath": path, "rawQueryString": "", "headers": {
        "host": "abc.lambda-url.us-west-2.on.aws", "x-forwarded-proto": "https", "x-forwarded-port": "443"},
        "requestContext": {"http": {"method": "GET", "path": path}, "stage": "$default"}}
    response = lambda_handler(event, None)
    print(json.dumps({"path": path, "status": response["statusCode"], "cookies": response.get("cookies", [])}))
"""


def stage_prefix(stage):
    settings = json.loads(Path("zappa_settings.json").read_text())
    config = settings[stage]
    while "aws_environment_variables" not in config and "extends" in config:
        config = settings[config["extends"]]
    return config.get("aws_environment_variables", {}).get("SCC_URL_PREFIX", "")


def main(zip_path, site_packages, stage):
    size_mib = Path(zip_path).stat().st_size / 2**20
    if size_mib > MAX_MIB:
        sys.exit(f"{zip_path}: {size_mib:.1f} MiB is over the {MAX_MIB} MiB budget (BENCHMARKS.md)")
    with tempfile.TemporaryDirectory() as task, tempfile.TemporaryDirectory() as runtime:
        site_packages = Path(site_packages).resolve()
        zipfile.ZipFile(zip_path).extractall(task)
        for name in RUNTIME_PROVIDED:
            if (Path(site_packages) / name).exists():
                os.symlink(Path(site_packages) / name, Path(runtime) / name)
        prefix = stage_prefix(stage)
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": f"{task}:{runtime}",
            "DJANGO_SECRET_KEY": "package-check-" + "k" * 50,
            "SCC_EMAIL_BACKEND": "console",
            "SCC_URL_PREFIX": prefix,
            "AWS_REGION": "us-west-2",
        }
        paths = [f"{prefix}/login/", f"{prefix}/static/css/scc.css"]
        result = subprocess.run(
            [sys.executable, "-S", "-c", PROBE, *paths], cwd=task, env=env, capture_output=True, text=True, timeout=60
        )
        answers = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
        if result.returncode or [a["status"] for a in answers] != [200, 200]:
            sys.exit(f"{zip_path} does not serve requests:\n{result.stdout}\n{result.stderr[-3000:]}")
        print(f"{zip_path}: {size_mib:.1f} MiB; handler answers {', '.join(paths)} with 200")


if __name__ == "__main__":
    main(*sys.argv[1:])
