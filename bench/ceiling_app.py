"""The ceiling of bench/pages_bench.py: Flask's hello-world, served by gunicorn with 2 sync workers.

    .venv/bin/gunicorn -w 2 -k sync -b 127.0.0.1:8501 --chdir bench ceiling_app:app

It is what this stack can answer at best on this machine (no database, no templates, no session),
the yardstick issue 18's targets are ratios of. gunicorn comes with the optional extra `bench`.
"""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
