"""What CloudWatch says a function served: error counts since a time, and the errors it logged."""

import math
import re
from collections import deque
from dataclasses import dataclass
from datetime import timedelta

NAMESPACE = "AWS/Lambda"
# Invocations that failed (the handler raised, timed out or ran out of memory), and Function URL
# requests answered 5xx (the app's own 500/503 included). Both with the FunctionName dimension only.
ERROR_METRICS = {"Errors": "Lambda Errors", "Url5xxCount": "Function URL 5xx"}
MAX_DATAPOINTS = 1440  # per GetMetricStatistics call


@dataclass(frozen=True)
class ErrorCounts:
    since: object
    until: object
    counts: dict

    @property
    def total(self):
        return sum(self.counts.values())

    def describe(self):
        return ", ".join(f"{label} {self.counts[metric]}" for metric, label in ERROR_METRICS.items())

    def field(self):
        """For history.log: no spaces."""
        return ",".join(f"{metric}:{self.counts[metric]}" for metric in ERROR_METRICS)


def _period(since, until):
    # CloudWatch keeps 1-minute points for 15 days, 5-minute for 63, then hourly.
    age = until - since
    step = 3600 if age > timedelta(days=63) else 300 if age > timedelta(days=15) else 60
    return step * max(1, math.ceil(age.total_seconds() / MAX_DATAPOINTS / step))


def error_counts(cloudwatch, function, *, since, until):
    """Sums of ERROR_METRICS for `function` from `since` (CloudWatch rounds it down to the minute, so
    the deploy's own minute counts whole: conservative) to `until`."""
    until = max(until, since + timedelta(minutes=1))  # StartTime must be before EndTime
    period = _period(since, until)
    counts = {}
    for metric in ERROR_METRICS:
        response = cloudwatch.get_metric_statistics(
            Namespace=NAMESPACE,
            MetricName=metric,
            Dimensions=[{"Name": "FunctionName", "Value": function}],
            StartTime=since,
            EndTime=until,
            Period=period,
            Statistics=["Sum"],
        )
        counts[metric] = round(sum(point["Sum"] for point in response["Datapoints"]))
    return ErrorCounts(since, until, counts)


# What an error looks like in a Lambda log group: the runtime's "[ERROR]" records (Django's
# "Internal Server Error" with its traceback), uncaught exceptions, timeouts and failed inits.
ERROR_FILTER = '?ERROR ?CRITICAL ?Traceback ?"Task timed out" ?"Status: error" ?"Internal Server Error"'
_ERROR_LINE = re.compile(r"ERROR|CRITICAL|Traceback|Task timed out|Status: error|Internal Server Error")


@dataclass(frozen=True)
class LogSearch:
    events: list  # the newest `limit` matches, oldest first
    matched: int


def is_error(message):
    return bool(_ERROR_LINE.search(message))


def recent_errors(logs, log_group, *, since, until, limit=50, on_page=None):
    """Error events in `log_group` between since and until. CloudWatch filters with ERROR_FILTER;
    each event is checked again here, so what is shown never depends on the server's matching alone."""
    paginator = logs.get_paginator("filter_log_events")
    newest = deque(maxlen=limit)
    matched = 0
    pages = paginator.paginate(
        logGroupName=log_group,
        startTime=_millis(since),
        endTime=_millis(until),
        filterPattern=ERROR_FILTER,
    )
    for number, page in enumerate(pages, 1):
        for event in page.get("events", []):
            if is_error(event["message"]):
                matched += 1
                newest.append(event)
        if on_page:
            on_page(number, matched)
    return LogSearch(sorted(newest, key=lambda event: event["timestamp"]), matched)


# What differs between two occurrences of one error: the runtime's "[LEVEL]\ttime\trequest id\t"
# prefix, or a leading "time request-id " (timeouts).
_OCCURRENCE = re.compile(r"^(\[\w+\]\t[^\t]*\t[^\t]*\t|\d{4}-\d\d-\d\dT\S+\s+\S+\s+)")


def signature(message):
    """First and last line without what varies per occurrence: the same error twice has one signature."""
    lines = message.replace("\r", "\n").strip().splitlines() or [""]
    return _OCCURRENCE.sub("", lines[0]), lines[-1] if len(lines) > 1 else ""


def group_errors(events):
    """Events (oldest first) grouped by signature, groups in order of first occurrence."""
    groups = {}
    for event in events:
        groups.setdefault(signature(event["message"]), []).append(event)
    return list(groups.values())


def _millis(moment):
    return int(moment.timestamp() * 1000)
