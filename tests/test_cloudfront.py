"""cloudfront_routes and cloudfront_invalidate against moto's CloudFront, on a distribution already in use."""

from io import StringIO

import boto3
import pytest
from django.core.management import call_command
from moto import mock_aws

from deploy import cloudfront

LAMBDA_URL = "https://prodfunctionurlid0123456789abcdef.lambda-url.us-west-2.on.aws/"
STAGING_URL = "https://stagingfunctionurlid0123456789abcd.lambda-url.us-west-2.on.aws/"
BUCKET = "scc-static-prod"


def legacy_behaviour(pattern, origin_id):
    return {
        "PathPattern": pattern,
        "TargetOriginId": origin_id,
        "ViewerProtocolPolicy": "allow-all",
        "AllowedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]},
        "CachePolicyId": cloudfront.CACHING_OPTIMIZED,
        "Compress": False,
    }


@pytest.fixture
def distribution():
    with mock_aws():
        client = boto3.client("cloudfront", region_name="us-east-1")
        config = {
            "CallerReference": "existing-site",
            "Comment": "the old system and its assets",
            "Enabled": True,
            "Origins": {
                "Quantity": 2,
                "Items": [
                    {
                        "Id": "legacy-site",
                        "DomainName": "old.example.com",
                        "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"},
                    },
                    {
                        "Id": "legacy-assets",
                        "DomainName": "legacy-assets.s3.us-east-1.amazonaws.com",
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    },
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "legacy-site",
                "ViewerProtocolPolicy": "redirect-to-https",
                "CachePolicyId": cloudfront.CACHING_DISABLED,
            },
            "CacheBehaviors": {
                "Quantity": 2,
                "Items": [legacy_behaviour("/images/*", "legacy-assets"), legacy_behaviour("/old/*", "legacy-site")],
            },
        }
        dist_id = client.create_distribution(DistributionConfig=config)["Distribution"]["Id"]
        yield client, dist_id


def routes(dist_id, *extra):
    out = StringIO()
    args = ["--distribution-id", dist_id, "--lambda-url", LAMBDA_URL, "--staging-lambda-url", STAGING_URL]
    call_command(
        "cloudfront_routes", *args, "--static-bucket", BUCKET, "--static-region", "us-west-2", *extra, stdout=out
    )
    return out.getvalue()


def current(client, dist_id):
    return client.get_distribution_config(Id=dist_id)["DistributionConfig"]


def behaviours(config):
    return {item["PathPattern"]: item for item in config["CacheBehaviors"].get("Items") or []}


def test_dry_run_prints_the_difference_and_changes_nothing(distribution):
    client, dist_id = distribution
    before = current(client, dist_id)
    output = routes(dist_id)
    assert "+ /api/* -> scc-lambda (Managed-CachingDisabled, Managed-AllViewerExceptHostHeader)" in output
    assert "+ /g/*/waiver -> scc-lambda" in output
    assert "+ /_staging/* -> scc-lambda-staging" in output
    assert "+ /static/* -> scc-static (Managed-CachingOptimized)" in output
    assert "+ origin scc-lambda: prodfunctionurlid0123456789abcdef.lambda-url.us-west-2.on.aws" in output
    assert "/old/* -> legacy-site (not ours, left alone)" in output
    assert "Dry run" in output and "--apply" in output
    assert current(client, dist_id) == before


def test_apply_routes_most_specific_first_and_leaves_the_rest_alone(distribution):
    client, dist_id = distribution
    before = current(client, dist_id)
    routes(dist_id, "--apply")
    after = current(client, dist_id)

    order = [item["PathPattern"] for item in after["CacheBehaviors"]["Items"]]
    assert order == [
        "/_staging/static/*",
        "/_staging/*",
        "/static/*",
        *cloudfront.APP_PATTERNS,
        "/images/*",
        "/old/*",
    ]
    items = behaviours(after)
    for pattern in ["/g/*/waiver", "/api/*", "/login/*", "/healthz"]:
        assert items[pattern]["TargetOriginId"] == "scc-lambda"
        assert items[pattern]["CachePolicyId"] == cloudfront.CACHING_DISABLED
        assert items[pattern]["OriginRequestPolicyId"] == cloudfront.ALL_VIEWER_EXCEPT_HOST_HEADER
        assert "POST" in items[pattern]["AllowedMethods"]["Items"]
    assert items["/_staging/*"]["TargetOriginId"] == "scc-lambda-staging"
    for pattern in ["/static/*", "/_staging/static/*"]:
        assert items[pattern]["TargetOriginId"] == "scc-static"
        assert items[pattern]["CachePolicyId"] == cloudfront.CACHING_OPTIMIZED

    origins = {origin["Id"]: origin for origin in after["Origins"]["Items"]}
    assert origins["scc-lambda"]["DomainName"] == "prodfunctionurlid0123456789abcdef.lambda-url.us-west-2.on.aws"
    assert origins["scc-static"]["DomainName"] == f"{BUCKET}.s3.us-west-2.amazonaws.com"
    old_origins = {origin["Id"]: origin for origin in before["Origins"]["Items"]}
    assert {k: origins[k] for k in old_origins} == old_origins
    assert items["/images/*"] == behaviours(before)["/images/*"]
    assert items["/old/*"] == behaviours(before)["/old/*"]
    assert after["DefaultCacheBehavior"] == before["DefaultCacheBehavior"]

    again = routes(dist_id, "--apply")
    assert "Cache behaviours are up to date." in again
    assert "Updated" not in again
    assert current(client, dist_id) == after


def test_apply_fixes_a_drifted_behaviour_and_a_new_function_url(distribution):
    client, dist_id = distribution
    routes(dist_id, "--apply")
    response = client.get_distribution_config(Id=dist_id)
    config = response["DistributionConfig"]
    api = behaviours(config)["/api/*"]
    api["CachePolicyId"] = cloudfront.CACHING_OPTIMIZED  # someone clicked in the console
    client.update_distribution(Id=dist_id, IfMatch=response["ETag"], DistributionConfig=config)

    out = StringIO()
    new_url = "https://newfunctionurlid0123456789abcdefgh.lambda-url.us-west-2.on.aws/"
    args = ["--distribution-id", dist_id, "--lambda-url", new_url, "--staging-lambda-url", STAGING_URL]
    call_command("cloudfront_routes", *args, "--static-bucket", BUCKET, "--static-region", "us-west-2", stdout=out)
    assert "~ /api/* -> scc-lambda" in out.getvalue() and "CachePolicyId" in out.getvalue()
    assert "~ origin scc-lambda: prodfunctionurlid" in out.getvalue()

    call_command("cloudfront_routes", *args, "--static-bucket", BUCKET, "--static-region", "us-west-2", "--apply")
    after = current(client, dist_id)
    assert behaviours(after)["/api/*"]["CachePolicyId"] == cloudfront.CACHING_DISABLED
    origins = {origin["Id"]: origin["DomainName"] for origin in after["Origins"]["Items"]}
    assert origins["scc-lambda"] == "newfunctionurlid0123456789abcdefgh.lambda-url.us-west-2.on.aws"


def test_without_a_bucket_static_paths_go_to_the_lambda(distribution):
    client, dist_id = distribution
    call_command(
        "cloudfront_routes", "--distribution-id", dist_id, "--lambda-url", LAMBDA_URL, "--apply", stdout=StringIO()
    )
    items = behaviours(current(client, dist_id))
    assert items["/static/*"]["TargetOriginId"] == "scc-lambda"
    assert items["/static/*"]["CachePolicyId"] == cloudfront.CACHING_OPTIMIZED
    assert "/_staging/*" not in items


def test_invalidate(distribution):
    client, dist_id = distribution
    out = StringIO()
    call_command("cloudfront_invalidate", "--distribution-id", dist_id, "/_staging/*", stdout=out)
    assert out.getvalue().startswith("Invalidation ")
    invalidations = client.list_invalidations(DistributionId=dist_id)["InvalidationList"]["Items"]
    batch = client.get_invalidation(DistributionId=dist_id, Id=invalidations[0]["Id"])["Invalidation"]
    assert batch["InvalidationBatch"]["Paths"]["Items"] == ["/_staging/*"]
