"""Check a built Lambda zip the way Lambda runs it (run by `make package`; no AWS needed).

1. At most 10 MiB, built by the stage's runtime Python.
2. Every `.py` in the zip has an unchecked hash-based pyc for that Python that matches its source.
3. The zip extracted read-only beside only the runtime's libraries (deploy/lambda_sandbox.py), against
   a local DynamoDB (tables and an admin through the zip's own commands, an event with boto3): the handler
   signs the admin in (page and API) and its sign-in page links the hashed stylesheet (the static
   manifest is packaged); then each of the first requests users make (sign-in page, dispatch page
   signed in, payment-log) runs in a fresh `python -v` process, and every module it imported from
   the zip must have been loaded from bytecode: none compiled from source at run time. It also lists
   what each first request still imported itself, which the init warm-up should leave empty.

    python deploy/check_package.py ZIP SITE_PACKAGES STAGE
"""

import re
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy.bytecode import bytecode_problems  # noqa: E402
from deploy.lambda_sandbox import (  # noqa: E402
    Sandbox,
    bytecode_misses,
    first_requests,
    lambda_environment,
    prepare_app,
    require_runtime_python,
    sign_in,
    stage_config,
)
from tests.dynalite import Dynalite  # noqa: E402
from tests.lambda_events import VIEWER_ORIGIN, Browser, body_text  # noqa: E402

MAX_MIB = 10
EVENT_ID = "package-check"


def first_request(box, name, event, status):
    """(modules of the zip compiled from source, modules of the zip first imported by the request itself)

    for a fresh instance answering `event` under `python -v`.
    """
    log = box.task.parent / f"{name}.log"
    with log.open("w") as stderr:
        instance = box.spawn(python_args=["-v"], stderr=stderr)
        response = instance.call(event)
        origins = instance.stop()
    if response["statusCode"] != status:
        sys.exit(f"{name}: expected {status}, got {response['statusCode']}: {body_text(response)[:500]}")
    later = [origin for origin in instance.imported_after_init if origin.startswith(f"{box.task}/")]
    return bytecode_misses(origins, log.read_text(), box.task), later


def main(zip_path, site_packages, stage):
    runtime = require_runtime_python(stage)
    size_mib = Path(zip_path).stat().st_size / 2**20
    if size_mib > MAX_MIB:
        sys.exit(f"{zip_path}: {size_mib:.1f} MiB is over the {MAX_MIB} MiB budget (BENCHMARKS.md)")
    stale = bytecode_problems(zip_path)
    prefix = stage_config(stage).get("aws_environment_variables", {}).get("SCC_URL_PREFIX", "")
    with Dynalite() as dynamodb:
        environment = lambda_environment(
            stage, endpoint=dynamodb.endpoint, suffix=uuid.uuid4().hex[:8], viewer_origin=VIEWER_ORIGIN
        )
        with Sandbox(zip_path, site_packages=site_packages, environment=environment) as box:
            prepare_app(box, [EVENT_ID])
            instance = box.spawn()
            cookies, token = sign_in(instance, prefix)
            login = body_text(Browser(instance).request("GET", f"{prefix}/login/"))
            css = re.search(r'href="([^"]+/scc\.[0-9a-f]{12}\.css)"', login)
            if css is None:
                sys.exit(f"{zip_path}: the sign-in page links no hashed stylesheet: is the static manifest in the zip?")
            instance.stop()
            misses, later = {}, {}
            requests = first_requests(prefix, cookies, token, EVENT_ID, str(uuid.uuid4()))
            for name, (event, status) in requests.items():
                misses[name], later[name] = first_request(box, name, event, status)
            box.assert_unchanged()
    problems = [
        f"{name}: {len(paths)} modules from the zip compiled from source at run time, e.g. "
        + ", ".join(str(Path(p).relative_to(box.task)) for p in paths[:5])
        for name, paths in misses.items()
        if paths
    ]
    if stale:
        problems.append(f"{len(stale)} modules without valid bytecode, e.g. " + "; ".join(stale[:5]))
    if problems:
        sys.exit(f"{zip_path} is not ready for Lambda ({runtime}):\n  " + "\n  ".join(problems))
    print(
        f"{zip_path}: {size_mib:.1f} MiB, bytecode for {runtime}; from the zip, read-only: "
        f"{', '.join(requests)} answered, every module loaded from bytecode (stylesheet: {css.group(1)})"
    )
    # What init (scc/warmup.py) left to the first request of each kind: nothing, ideally.
    for name, paths in later.items():
        relative = ", ".join(str(Path(p).relative_to(box.task)) for p in paths) or "none"
        print(f"  {name}: modules the first request itself imported from the zip: {relative}")


if __name__ == "__main__":
    main(*sys.argv[1:])
