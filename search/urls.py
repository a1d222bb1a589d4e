"""Search URLs: the page, its feed and export, similar sections, the OpenSearch description."""

from django.urls import path

from portal import throttled
from portal.ratelimit import limit_per_client
from search.web import export, feeds, views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="page"),
    # A feed runs a search too: it shares the search page's per-client budget.
    path(
        "search/feed/",
        limit_per_client("search", respond=throttled.page_response)(feeds.SearchFeed()),
        name="feed",
    ),
    path("search/export", export.export, name="export"),
    path("sections/<int:pk>/similar/", views.similar_page, name="similar"),
    path("opensearch.xml", views.opensearch, name="opensearch"),
]
