"""The ceiling for bench/load.py: a bare Flask handler doing one Redis GET and one SET per hop."""
from __future__ import annotations

import os

import redis
from flask import Flask, Response, request


def create_app() -> Flask:
    """The bare app, served by bench/load.py beside the real one (REDIS_URL: its own database)."""
    app = Flask(__name__)
    client = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/9"))

    @app.post("/gateway/at/ussd")
    def hop() -> Response:
        key = "bare:" + request.form["sessionId"]
        client.get(key)
        client.set(key, request.form["text"], ex=300)
        return Response("CON Menu\n1 Option", 200, {"Content-Type": "text/plain"})

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"

    return app
