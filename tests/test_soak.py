"""A short run of the concurrency soak (make soak runs it for 30 s): same workers, same invariants, a fixed number
of actions per worker instead of a time."""

import pytest
from django.conf import settings

from tests import soak
from tests.conftest import token_for

pytestmark = pytest.mark.soak


def test_eight_workers_keep_every_invariant(admin_user, raw_table):
    from scc.dynamodb import raw_client

    client = raw_client()
    soak.seed(client, settings.EVENTS_TABLE)
    token = token_for(admin_user)
    tally = soak.run(token=token, actions=15, workers=8)
    item = raw_table.get(soak.EVENT_ID)
    soak.check(item, tally)
    # Every kind of write actually happened, so the invariants were exercised.
    assert tally.payments and tally.voids and tally.notified and tally.signed, soak.summary(tally, item)
