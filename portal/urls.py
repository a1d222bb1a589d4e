"""Root URLs: site pages, browse pages, the JSON API, admin and i18n."""

from django.contrib import admin
from django.urls import include, path, re_path

from documents import api
from portal import views
from search.web import api as search_api

app_name = "portal"

portal_patterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("script/<str:value>/", views.set_script, name="set_script"),
]

api_patterns = [
    path("search", search_api.search, name="search"),
    path("releases", api.release_list, name="releases"),
    path("releases/<str:pk>", api.release_detail, name="release"),
    re_path(r"^(?P<rest>.*)$", api.not_found),
]

urlpatterns = [
    path("", include((portal_patterns, "portal"))),
    path("", include("documents.urls")),
    path("", include("search.urls")),
    path("api/", include((api_patterns, "api"))),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler404 = "portal.views.page_not_found"
