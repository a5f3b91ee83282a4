"""Websocket routes (included by h2o/asgi.py)."""

from django.urls import path

from .consumers import ProjectConsumer

websocket_urlpatterns: list = [
    path("ws/projects/<uuid:project_id>/", ProjectConsumer.as_asgi()),
]
