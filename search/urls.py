"""Search URLs: the page, its feed and the OpenSearch description."""

from django.urls import path

from search import feeds, views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="page"),
    path("search/feed/", feeds.SearchFeed(), name="feed"),
    path("opensearch.xml", views.opensearch, name="opensearch"),
]
