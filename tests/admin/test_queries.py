"""Back-office lists cost the same number of queries with 5 rows as with 50."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.admin import builders

MODEL_ADMINS = builders.district_model_admins()
IDS = [model._meta.label_lower for model, _ in MODEL_ADMINS]

# Session, user, permissions, counts, filters, date hierarchy, rows and their prefetches.
MAX_QUERIES = 15


def count_queries(client, url, *, rows=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    if rows is not None:
        # The count means something only if every row was rendered on the page.
        assert len(response.context["cl"].result_list) >= rows
    return len(captured.captured_queries)


@pytest.mark.parametrize(("model", "model_admin"), MODEL_ADMINS, ids=IDS)
def test_change_lists_keep_a_constant_query_count(
    coordinator_client, django_assert_max_num_queries, model, model_admin
):
    url = builders.admin_url(model, "changelist")
    builders.rows(model, 5)
    coordinator_client.get(url)  # warm the per-process caches (content types, templates)
    with_five = count_queries(coordinator_client, url, rows=5)

    builders.rows(model, 45)
    with django_assert_max_num_queries(MAX_QUERIES):
        with_fifty = count_queries(coordinator_client, url, rows=50)

    assert with_fifty == with_five
    assert with_five <= MAX_QUERIES


def test_the_dashboard_keeps_a_constant_query_count(
    coordinator_client, django_assert_max_num_queries
):
    def add_attention_rows(n):
        for _ in range(n):
            builders.make_application()
            factories.make_service(factories.make_organization(), status="draft", published_at=None)

    add_attention_rows(5)
    coordinator_client.get("/admin/")
    with_five = count_queries(coordinator_client, "/admin/")
    add_attention_rows(45)
    with django_assert_max_num_queries(MAX_QUERIES):
        with_fifty = count_queries(coordinator_client, "/admin/")
    assert with_fifty == with_five
