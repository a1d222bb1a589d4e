"""Search URLs: the page, its feed, similar sections and the OpenSearch description."""

from django.urls import path

from portal import throttled
from portal.ratelimit import limit_per_client
from search.web import feeds, views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="page"),
    # A feed runs a search too: it shares the search page's per-client budget.
    path(
        "search/feed/",
        limit_per_client("search", respond=throttled.page_response)(feeds.SearchFeed()),
        name="feed",
    ),
    path("sections/<int:pk>/similar/", views.similar_page, name="similar"),
    path("opensearch.xml", views.opensearch, name="opensearch"),
]
