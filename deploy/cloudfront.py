"""CloudFront routing as code: the cache behaviours the app needs, compared with and applied to a distribution.

Only origins and behaviours this module manages (our origin ids, our path
patterns) are touched; everything else in the distribution stays as it is.
"""

import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

from scc.origin import HEADER as ORIGIN_HEADER

# AWS managed policies (same ids in every account).
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
POLICY_NAMES = {
    CACHING_DISABLED: "Managed-CachingDisabled",
    CACHING_OPTIMIZED: "Managed-CachingOptimized",
    ALL_VIEWER_EXCEPT_HOST_HEADER: "Managed-AllViewerExceptHostHeader",
}

LAMBDA_ORIGIN = "scc-lambda"
STAGING_ORIGIN = "scc-lambda-staging"
STATIC_ORIGIN = "scc-static"

ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
READ_METHODS = ["GET", "HEAD"]

# The app's paths, most specific first. "/" (the dispatch page) is the default behaviour's.
APP_PATTERNS = [
    "/g/*/waiver",
    "/api/*",
    "/login/*",
    "/logout/*",
    "/account/*",
    "/operators/*",
    "/events/*",
    "/audit/*",
    "/audit.csv",
    "/healthz",
]


@dataclass
class Plan:
    config: dict
    changed: bool
    lines: list = field(default_factory=list)


def function_url_host(url):
    host = urlparse(url if "://" in url else f"https://{url}").hostname
    if not host:
        raise ValueError(f"Not a Lambda Function URL: {url!r}")
    return host


def origin_headers(secret, existing=None):
    """The origin's custom headers with ours (the origin secret) set; others kept as they are."""
    others = [h for h in (existing or {}).get("Items") or [] if h["HeaderName"].lower() != ORIGIN_HEADER.lower()]
    items = [*others, {"HeaderName": ORIGIN_HEADER, "HeaderValue": secret}] if secret else others
    return {"Quantity": len(items), "Items": items} if items else {"Quantity": 0}


def _header_value(origin):
    for header in (origin.get("CustomHeaders") or {}).get("Items") or []:
        if header["HeaderName"].lower() == ORIGIN_HEADER.lower():
            return header["HeaderValue"]
    return None


def lambda_origin(origin_id, host, *, secret=None):
    # With the origin secret, CloudFront proves each request came through it (scc/origin.py).
    return {
        "Id": origin_id,
        "DomainName": host,
        "OriginPath": "",
        "CustomHeaders": origin_headers(secret),
        "CustomOriginConfig": {
            "HTTPPort": 80,
            "HTTPSPort": 443,
            "OriginProtocolPolicy": "https-only",
            "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]},
            "OriginReadTimeout": 30,
            "OriginKeepaliveTimeout": 5,
        },
        "ConnectionAttempts": 3,
        "ConnectionTimeout": 10,
        "OriginShield": {"Enabled": False},
    }


def static_origin(origin_id, bucket, region):
    # Access: attach an Origin Access Control in the console or CLI (README "Deploying").
    return {
        "Id": origin_id,
        "DomainName": f"{bucket}.s3.{region}.amazonaws.com",
        "OriginPath": "",
        "CustomHeaders": {"Quantity": 0},
        "S3OriginConfig": {"OriginAccessIdentity": ""},
        "ConnectionAttempts": 3,
        "ConnectionTimeout": 10,
        "OriginShield": {"Enabled": False},
    }


def behaviour(pattern, origin_id, *, cached):
    methods = READ_METHODS if cached else ALL_METHODS
    wanted = {
        "PathPattern": pattern,
        "TargetOriginId": origin_id,
        "ViewerProtocolPolicy": "redirect-to-https",
        "AllowedMethods": {
            "Quantity": len(methods),
            "Items": list(methods),
            "CachedMethods": {"Quantity": 2, "Items": list(READ_METHODS)},
        },
        "Compress": True,
        "CachePolicyId": CACHING_OPTIMIZED if cached else CACHING_DISABLED,
    }
    if not cached:
        wanted["OriginRequestPolicyId"] = ALL_VIEWER_EXCEPT_HOST_HEADER
    return wanted


def wanted_behaviours(*, lambda_origin_id, staging_origin_id=None, static_origin_id=None):
    """Our behaviours, most specific first. Without a bucket the Lambda serves static files (WhiteNoise)."""
    behaviours = []
    if staging_origin_id:
        behaviours.append(behaviour("/_staging/static/*", static_origin_id or staging_origin_id, cached=True))
        behaviours.append(behaviour("/_staging/*", staging_origin_id, cached=False))
    behaviours.append(behaviour("/static/*", static_origin_id or lambda_origin_id, cached=True))
    behaviours += [behaviour(pattern, lambda_origin_id, cached=False) for pattern in APP_PATTERNS]
    return behaviours


def _managed_view(item):
    """The fields we set, normalised, for comparing an existing behaviour with a wanted one."""
    methods = item.get("AllowedMethods") or {}
    return {
        "TargetOriginId": item.get("TargetOriginId"),
        "ViewerProtocolPolicy": item.get("ViewerProtocolPolicy"),
        "AllowedMethods": sorted(methods.get("Items") or []),
        "Compress": bool(item.get("Compress")),
        "CachePolicyId": item.get("CachePolicyId") or "",
        "OriginRequestPolicyId": item.get("OriginRequestPolicyId") or "",
    }


def _describe(item):
    policies = [
        POLICY_NAMES.get(item.get(key) or "", item.get(key)) for key in ("CachePolicyId", "OriginRequestPolicyId")
    ]
    return f"{item['PathPattern']} -> {item['TargetOriginId']} ({', '.join(p for p in policies if p)})"


def _origin_id(origins, wanted_id, domain):
    """An existing origin for this domain keeps its id; otherwise ours."""
    for origin in origins:
        if origin["DomainName"] == domain:
            return origin["Id"]
    return wanted_id


def plan(
    config, *, lambda_url, staging_lambda_url=None, static_bucket=None, static_region="us-east-1", origin_secret=None
):
    """The distribution config with our origins and behaviours in place, and what changes. The origin
    secret is set on the Lambda origins and never printed."""
    config = _copy(config)
    lines = []
    origins = config["Origins"].setdefault("Items", [])

    def ensure_origin(wanted, secret=None):
        origin_id = _origin_id(origins, wanted["Id"], wanted["DomainName"])
        existing = next((o for o in origins if o["Id"] == origin_id), None)
        if existing is None:
            origins.append(wanted)
            lines.append(f"+ origin {origin_id}: {wanted['DomainName']}{' (with the origin header)' if secret else ''}")
            return origin_id
        if existing["DomainName"] != wanted["DomainName"]:
            lines.append(f"~ origin {origin_id}: {existing['DomainName']} -> {wanted['DomainName']}")
            existing["DomainName"] = wanted["DomainName"]
        if secret and _header_value(existing) != secret:
            lines.append(
                f"~ origin {origin_id}: header {ORIGIN_HEADER} set (the value of SCC_ORIGIN_SECRET, not shown)"
            )
            existing["CustomHeaders"] = origin_headers(secret, existing.get("CustomHeaders"))
        return origin_id

    lambda_host = function_url_host(lambda_url)
    lambda_id = ensure_origin(lambda_origin(LAMBDA_ORIGIN, lambda_host, secret=origin_secret), origin_secret)
    staging_id = None
    if staging_lambda_url:
        staging_host = function_url_host(staging_lambda_url)
        staging = lambda_origin(STAGING_ORIGIN, staging_host, secret=origin_secret)
        staging_id = ensure_origin(staging, origin_secret)
    static_id = ensure_origin(static_origin(STATIC_ORIGIN, static_bucket, static_region)) if static_bucket else None
    config["Origins"]["Quantity"] = len(origins)

    wanted = wanted_behaviours(lambda_origin_id=lambda_id, staging_origin_id=staging_id, static_origin_id=static_id)
    wanted_patterns = {item["PathPattern"] for item in wanted}
    existing = list((config.get("CacheBehaviors") or {}).get("Items") or [])
    by_pattern = {item["PathPattern"]: item for item in existing}
    ours = []
    for item in wanted:
        current = by_pattern.get(item["PathPattern"])
        if current is None:
            lines.append(f"+ {_describe(item)}")
            ours.append(_fill(item))
        elif _managed_view(current) != _managed_view(item):
            changes = [
                f"{key} {old!r} -> {new!r}"
                for key, old, new in _differences(_managed_view(current), _managed_view(item))
            ]
            lines.append(f"~ {_describe(item)}: {'; '.join(changes)}")
            merged = {**current, **item}
            # A cache policy excludes the legacy cache settings; AWS rejects both together.
            for legacy in ("ForwardedValues", "MinTTL", "DefaultTTL", "MaxTTL"):
                merged.pop(legacy, None)
            if "OriginRequestPolicyId" not in item:
                merged.pop("OriginRequestPolicyId", None)
            ours.append(merged)
        else:
            ours.append(current)
    others = [item for item in existing if item["PathPattern"] not in wanted_patterns]
    for item in others:
        lines.append(f"  {item['PathPattern']} -> {item['TargetOriginId']} (not ours, left alone)")
    new_items = ours + others
    new_order = [item["PathPattern"] for item in new_items]
    if [item["PathPattern"] for item in existing] != new_order:
        lines.append(f"~ order (ours first, most specific first): {', '.join(new_order)}")
    config["CacheBehaviors"] = {"Quantity": len(new_items), "Items": new_items}

    default_target = config["DefaultCacheBehavior"]["TargetOriginId"]
    if default_target != lambda_id:
        lines.append(
            f"note: '/' (the dispatch page) follows the default behaviour, which goes to {default_target}: "
            f"point it at {lambda_id} with Managed-CachingDisabled and Managed-AllViewerExceptHostHeader by hand"
        )
    changed = any(line[0] in "+~" for line in lines)
    if not changed:
        lines.insert(0, "Cache behaviours are up to date.")
    return Plan(config=config, changed=changed, lines=lines)


def _differences(old, new):
    return [(key, old[key], new[key]) for key in new if old.get(key) != new[key]]


def _fill(item):
    # Fields the API requires on a new behaviour.
    return {
        "SmoothStreaming": False,
        "FieldLevelEncryptionId": "",
        "LambdaFunctionAssociations": {"Quantity": 0},
        "FunctionAssociations": {"Quantity": 0},
        **item,
    }


def _copy(value):
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def client():
    import boto3

    return boto3.client("cloudfront")


def routes(distribution_id, *, apply=False, cloudfront=None, **wanted):
    """Compare (and with apply=True, update) a distribution's routing. Returns the Plan."""
    cloudfront = cloudfront or client()
    response = cloudfront.get_distribution_config(Id=distribution_id)
    result = plan(response["DistributionConfig"], **wanted)
    if apply and result.changed:
        cloudfront.update_distribution(Id=distribution_id, IfMatch=response["ETag"], DistributionConfig=result.config)
    return result


def invalidate(distribution_id, paths, *, cloudfront=None):
    cloudfront = cloudfront or client()
    response = cloudfront.create_invalidation(
        DistributionId=distribution_id,
        InvalidationBatch={
            "Paths": {"Quantity": len(paths), "Items": list(paths)},
            "CallerReference": f"scc-{time.time_ns()}",
        },
    )
    return response["Invalidation"]
