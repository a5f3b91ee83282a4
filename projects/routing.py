"""Websocket routes. The phase machinery adds the project consumer here."""

websocket_urlpatterns: list = []
