"""The promotion gate: production gets a commit only after staging proved it.

Staging proved a commit when its smoke check passed for it (the code answering was that
commit), the function has not changed since, it has been live at least PROMOTE_MIN_MINUTES,
and CloudWatch counted no Lambda Errors and no Function URL 5xx since its deploy.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from botocore.exceptions import BotoCoreError, ClientError

from deploy import aws, cloudwatch, history

DEFAULT_MIN_MINUTES = 10


@dataclass
class Verdict:
    commit: str
    facts: list = field(default_factory=list)  # what was found, shown either way
    reasons: list = field(default_factory=list)  # (code, sentence) for each refusal
    errors: cloudwatch.ErrorCounts | None = None
    forceable: bool = True  # --force may override; never without a staging smoke check

    @property
    def allowed(self):
        return not self.reasons

    def refuse(self, code, sentence):
        self.reasons.append((code, sentence))

    @property
    def codes(self):
        return ",".join(code for code, _ in self.reasons)


def minutes(delta):
    return f"{delta.total_seconds() / 60:.1f} min"


def check(*, commit, log_dir, staging, now, lambda_client, cloudwatch_client, min_minutes=DEFAULT_MIN_MINUTES):
    verdict = Verdict(commit)
    marker = history.read_marker(log_dir, staging.name, commit)
    if marker is None:
        verdict.forceable = False
        verdict.refuse(
            "no-staging-smoke", f"no passing staging smoke check for {commit}; run make deploy-staging first."
        )
        return verdict
    try:
        state = aws.function_state(lambda_client, staging.function)
    except (BotoCoreError, ClientError) as exc:
        verdict.refuse("staging-unknown", f"cannot read {staging.function} from Lambda: {exc}")
        return verdict

    live = now - state.last_modified
    verdict.facts.append(
        f"{staging.function}: updated {state.last_modified:%Y-%m-%d %H:%M:%S} UTC, live {minutes(live)} "
        f"(at least {min_minutes:g} min required)"
    )
    smoked_at = history.parse_time(marker.get("last_modified"))
    if smoked_at != state.last_modified or marker.get("code_sha256") != state.code_sha256:
        verdict.refuse(
            "staging-changed",
            f"{staging.function} changed after staging's smoke check of {commit[:12]} "
            "(another deploy or a configuration change): run make deploy-staging again.",
        )
    if live < timedelta(minutes=min_minutes):
        ready = state.last_modified + timedelta(minutes=min_minutes)
        verdict.refuse(
            "too-early",
            f"staging has been live {minutes(live)}, less than PROMOTE_MIN_MINUTES={min_minutes:g}: "
            f"try again after {ready:%H:%M} UTC.",
        )
    try:
        errors = cloudwatch.error_counts(cloudwatch_client, staging.function, since=state.last_modified, until=now)
    except (BotoCoreError, ClientError) as exc:
        verdict.refuse("metrics-unavailable", f"cannot read CloudWatch metrics for {staging.function}: {exc}")
        return verdict
    verdict.errors = errors
    verdict.facts.append(f"since then: {errors.describe()}")
    if errors.total:
        verdict.refuse(
            "errors",
            f"staging served errors since its deploy: {errors.describe()}. See why with: make logs STAGE=staging",
        )
    return verdict
