"""`make deploy-staging`, `make promote` and `make logs` (README "Deploying").

Every step says what it does and how long it took. Every deploy and every promotion attempt
(refused, forced, failed or done) leaves one line in var/deploy/history.log.
"""

import argparse
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from deploy import aws, cloudfront, cloudwatch, gate, history, smoke

ROOT = aws.ROOT
AWS_ERRORS = (BotoCoreError, ClientError)


class StepFailed(Exception):
    pass


class Console:
    def __init__(self, out=None):
        self.out = out or sys.stdout

    def say(self, line=""):
        print(line, file=self.out, flush=True)

    @contextmanager
    def step(self, title):
        self.say(f"==> {title}")
        started = time.monotonic()
        yield
        self.say(f"    ({time.monotonic() - started:.1f} s)")


def utc_now():
    return datetime.now(UTC)


def git(*args):
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def has_uncommitted_changes():
    return bool(git("status", "--porcelain", "--untracked-files=no"))


def run(command, *, env=None):
    """A long command with its own output streaming to the terminal."""
    try:
        subprocess.run([str(part) for part in command], cwd=ROOT, env={**os.environ, **(env or {})}, check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise StepFailed(f"{Path(str(command[0])).name} failed: {exc}") from None


def required_env(name):
    value = os.environ.get(name, "").strip()
    if not value:
        raise StepFailed(f'Set {name} (README "Deploying").')
    return value


def zappa_command(*args):
    # Zappa runs from the venv this script runs in (make uses the runtime-only one, var/lambda/venv).
    bin_dir = Path(sys.executable).parent
    env = {"VIRTUAL_ENV": sys.prefix, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    return [bin_dir / "zappa", *args], env


def smoke_check(console, url, *, commit, wait, function_url=None):
    console.say(smoke.header())

    def progress(check):
        console.say(smoke.format_row(check))

    return smoke.run(
        url, function_url=function_url, expect_version=commit, wait=wait, progress=progress, say=console.say
    )


def errors_since_deploy(stage, lambda_client, cloudwatch_client, *, now):
    state = aws.function_state(lambda_client, stage.function)
    return state, cloudwatch.error_counts(cloudwatch_client, stage.function, since=state.last_modified, until=now)


def deploy(stage, *, log_dir, console, action="deploy", record=None, smoke_wait=smoke.DEFAULT_WAIT_SECONDS):
    """Package, upload static files, update the function, invalidate, smoke check; record the attempt."""
    commit = git("rev-parse", "HEAD")
    if has_uncommitted_changes():
        console.say("Deploy: uncommitted changes; commit first.")
        return 1
    public_url = required_env("SCC_PUBLIC_URL").rstrip("/")
    distribution_id = required_env("SCC_DISTRIBUTION_ID")
    bucket = required_env("SCC_STATIC_BUCKET")
    lambda_client, cloudwatch_client = aws.client("lambda", stage), aws.client("cloudwatch", stage)
    zip_path = f"dist/lambda-{stage.name}.zip"
    fields = {
        "action": action,
        "stage": stage.name,
        "commit": commit[:12],
        "who": history.who(),
        "result": "failed",
        "smoke": "not-run",
        "replaced_errors": "unknown",
        **(record or {}),
    }
    console.say(f"==> {action} {commit[:12]} to {stage.name} ({stage.function}) as {fields['who']}")
    try:
        with console.step(f"[1/6] make package STAGE={stage.name} -> {zip_path}"):
            run(["make", "--no-print-directory", "package", f"STAGE={stage.name}"])
        with console.step(f"[2/6] Errors served by the version being replaced ({stage.function})"):
            try:
                state, errors = errors_since_deploy(stage, lambda_client, cloudwatch_client, now=utc_now())
            except AWS_ERRORS as exc:
                console.say(f"    unknown: {exc}")
            else:
                fields["replaced_errors"] = errors.field()
                console.say(f"    since {state.last_modified:%Y-%m-%d %H:%M} UTC: {errors.describe()}")
        with console.step(f"[3/6] collectstatic to s3://{bucket}{stage.prefix}/static/"):
            collectstatic = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"]
            run(collectstatic, env={"SCC_URL_PREFIX": stage.prefix, "DJANGO_DEBUG": "1"})
        history.marker_path(log_dir, stage.name, commit).unlink(missing_ok=True)  # until this deploy passes
        with console.step(f"[4/6] zappa update {stage.name} (prebuilt {zip_path})"):
            command, env = zappa_command("update", stage.name, "-z", zip_path)
            run(command, env=env)
        with console.step(f"[5/6] Invalidate {stage.prefix}/* on {distribution_id}"):
            invalidation = cloudfront.invalidate(distribution_id, [f"{stage.prefix}/*"])
            console.say(f"    invalidation {invalidation['Id']} ({invalidation['Status']})")
        url = f"{public_url}{stage.prefix}"
        with console.step(f"[6/6] Smoke check of {url}, expecting version {commit[:12]} (up to {smoke_wait:g} s)"):
            # Also: the Function URL called directly is refused (only CloudFront may call it).
            direct = aws.function_url(lambda_client, stage.function)
            checks = smoke_check(console, url, commit=commit, wait=smoke_wait, function_url=direct)
        failed = [check for check in checks if not check.ok]
        fields["smoke"] = "failed" if failed else "passed"
        if failed:
            console.say(f"==> {stage.name} at {commit[:12]}: smoke check FAILED ({len(failed)} of {len(checks)})")
            return 1
        state = aws.function_state(lambda_client, stage.function)
        history.write_marker(log_dir, stage.name, commit, state=state, passed_at=utc_now())
        fields["result"] = "done"
        console.say(f"==> {stage.name} at {commit[:12]}: smoke check passed")
        return 0
    except (StepFailed, *AWS_ERRORS) as exc:
        console.say(f"==> {action} to {stage.name} failed: {exc}")
        return 1
    except KeyboardInterrupt:
        fields["result"] = "interrupted"
        raise
    finally:
        line = history.append(log_dir, now=utc_now(), **fields)
        console.say(f"==> {Path(log_dir) / history.HISTORY}: {line}")


def authorize_promotion(*, log_dir, console, force, min_minutes, now, staging, lambda_client, cloudwatch_client):
    """The gate's verdict, shown with its numbers. Returns the fields the promotion's history line
    adds (staging's errors, an override), or None when refused."""
    commit = git("rev-parse", "HEAD")
    console.say(f"==> Promotion gate for {commit[:12]}: staging's smoke check, age and errors")
    verdict = gate.check(
        commit=commit,
        log_dir=log_dir,
        staging=staging,
        now=now,
        lambda_client=lambda_client,
        cloudwatch_client=cloudwatch_client,
        min_minutes=min_minutes,
    )
    for fact in verdict.facts:
        console.say(f"    {fact}")
    attempt = {"action": "promote", "stage": "production", "commit": commit[:12], "who": history.who()}
    staging_errors = verdict.errors.field() if verdict.errors else "unknown"
    if verdict.allowed:
        console.say("    gate passed")
        return {"staging_errors": staging_errors}
    if force and verdict.forceable:
        bar = "!" * 78
        console.say(bar)
        console.say(f"!! FORCED PROMOTION of {commit[:12]} by {attempt['who']}. The gate refused it:")
        for _, sentence in verdict.reasons:
            console.say(f"!!   - {sentence}")
        console.say(f"!! Recorded in {Path(log_dir) / history.HISTORY}.")
        console.say(bar)
        history.append(
            log_dir, now=now, **attempt, result="forced", staging_errors=staging_errors, overrode=verdict.codes
        )
        return {"staging_errors": staging_errors, "forced": "yes", "overrode": verdict.codes}
    for _, sentence in verdict.reasons:
        console.say(f"promote refused: {sentence}")
    if force:
        console.say("promote: --force does not stand in for a passing staging smoke check.")
    line = history.append(
        log_dir, now=now, **attempt, result="refused", staging_errors=staging_errors, reasons=verdict.codes
    )
    console.say(f"==> {Path(log_dir) / history.HISTORY}: {line}")
    return None


def promote(*, log_dir, console, force, min_minutes, smoke_wait):
    staging, production = aws.stage("staging"), aws.stage("production")
    try:
        record = authorize_promotion(
            log_dir=log_dir,
            console=console,
            force=force,
            min_minutes=min_minutes,
            now=utc_now(),
            staging=staging,
            lambda_client=aws.client("lambda", staging),
            cloudwatch_client=aws.client("cloudwatch", staging),
        )
    except BotoCoreError as exc:  # no credentials or region: nothing could be checked
        console.say(f"promote refused: {exc}")
        return 1
    if record is None:
        return 1
    return deploy(production, log_dir=log_dir, console=console, action="promote", record=record, smoke_wait=smoke_wait)


def show_logs(stage, *, minutes, limit, now, console, lambda_client, cloudwatch_client, logs_client):
    """The stage's error counts since its deploy, then the errors it logged in the last `minutes`."""
    try:
        state, errors = errors_since_deploy(stage, lambda_client, cloudwatch_client, now=now)
    except AWS_ERRORS as exc:
        console.say(f"==> {stage.function}: metrics unavailable ({exc})")
    else:
        console.say(
            f"==> {stage.function}: updated {state.last_modified:%Y-%m-%d %H:%M:%S} UTC; since then {errors.describe()}"
        )
    since = now - timedelta(minutes=minutes)
    console.say(
        f"==> Errors in {stage.log_group} from {since:%Y-%m-%d %H:%M} to {now:%H:%M} UTC (last {minutes:g} min)"
    )

    def on_page(number, matched):
        if number % 10 == 0:
            console.say(f"    searched {number} pages, {matched} errors so far")

    try:
        search = cloudwatch.recent_errors(
            logs_client, stage.log_group, since=since, until=now, limit=limit, on_page=on_page
        )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            console.say(f"    no log group {stage.log_group}: {stage.function} has not logged anything yet.")
            return 0
        raise
    groups = cloudwatch.group_errors(search.events)
    for group in groups:
        first, latest = (datetime.fromtimestamp(event["timestamp"] / 1000, UTC) for event in (group[0], group[-1]))
        when = f"{latest:%Y-%m-%d %H:%M:%S} UTC"
        if len(group) > 1:
            when = f"{len(group)} times, {first:%Y-%m-%d %H:%M:%S} to {latest:%H:%M:%S} UTC, the latest:"
        console.say(f"--- {when}  {group[-1].get('logStreamName', '')}")
        for line in group[-1]["message"].replace("\r", "\n").rstrip().splitlines():
            console.say(f"    {line}")
    if not search.matched:
        console.say(f"    no errors logged in the last {minutes:g} min.")
        return 0
    kinds = f"{len(groups)} kind{'s' if len(groups) != 1 else ''}"
    if search.matched > len(search.events):
        console.say(f"==> {search.matched} errors; the newest {len(search.events)} shown ({kinds}; --limit for more).")
    else:
        console.say(f"==> {search.matched} errors, {kinds}.")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m deploy.release", description=__doc__.splitlines()[0])
    parser.add_argument("--log-dir", default="var/deploy", help="history.log and smoke markers (default var/deploy)")
    commands = parser.add_subparsers(dest="command", required=True)
    deploy_parser = commands.add_parser("deploy", help="deploy HEAD to a stage")
    deploy_parser.add_argument("stage")
    promote_parser = commands.add_parser("promote", help="deploy HEAD to production once staging proved it")
    promote_parser.add_argument("--force", action="store_true", help="override the gate (loud, recorded)")
    promote_parser.add_argument("--min-minutes", type=float, default=gate.DEFAULT_MIN_MINUTES)
    for sub in (deploy_parser, promote_parser):
        sub.add_argument("--smoke-wait", type=float, default=smoke.DEFAULT_WAIT_SECONDS)
    logs_parser = commands.add_parser("logs", help="a stage's recent errors")
    logs_parser.add_argument("stage")
    logs_parser.add_argument("--minutes", type=float, default=60)
    logs_parser.add_argument("--limit", type=int, default=50)
    args = parser.parse_args(argv)

    console = Console()
    try:
        if args.command == "deploy":
            return deploy(aws.stage(args.stage), log_dir=args.log_dir, console=console, smoke_wait=args.smoke_wait)
        if args.command == "promote":
            return promote(
                log_dir=args.log_dir,
                console=console,
                force=args.force,
                min_minutes=args.min_minutes,
                smoke_wait=args.smoke_wait,
            )
        stage = aws.stage(args.stage)
        return show_logs(
            stage,
            minutes=args.minutes,
            limit=args.limit,
            now=utc_now(),
            console=console,
            lambda_client=aws.client("lambda", stage),
            cloudwatch_client=aws.client("cloudwatch", stage),
            logs_client=aws.client("logs", stage),
        )
    except (StepFailed, ValueError) as exc:
        console.say(str(exc))
        return 1


if __name__ == "__main__":
    sys.exit(main())
