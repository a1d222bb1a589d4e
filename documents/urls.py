"""Browse URLs of the documents app."""

from django.urls import path

from documents import feeds, topic_views, views

app_name = "documents"

urlpatterns = [
    path("regions/", views.region_index, name="regions"),
    path("regions/<str:code>/", views.region_detail, name="region"),
    path("releases/<int:pk>/", views.release_detail, name="release"),
    path("releases/<int:pk>/original/", views.release_original, name="original"),
    path("topics/", topic_views.topic_index, name="topics"),
    path("topics/<slug:slug>/", topic_views.topic_detail, name="topic"),
    path("compare/", topic_views.compare_view, name="compare"),
    path("feeds/releases/", feeds.LatestReleasesFeed(), name="feed"),
    path("feeds/regions/<str:code>/", feeds.RegionReleasesFeed(), name="region_feed"),
]
