"""WSGI entry point: `gunicorn wsgi:app` or any WSGI server (Socket.IO needs `forum serve`)."""
from forum import create_app

app = create_app()
