"""The forum as it is deployed, for tests: Debian's nginx with deploy/nginx/forum.conf (templated for
test ports, a certificate made here) in front of two `forum serve` processes in production mode on
PostgreSQL, relaying live messages and counting rate limits in Redis, sending mail over SMTP (a
small sink here)."""
from __future__ import annotations

import os
import shutil
import socketserver
import subprocess
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx" / "forum.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
HOST = "localhost"


def replace_once(text: str, old: str, new: str) -> str:
    """Every templated spot must be in the shipped file: a test against a config that drifted fails."""
    assert old in text, f"deploy/nginx/forum.conf no longer contains {old!r}"
    return text.replace(old, new)


def site_config(*, http_port: int, https_port: int, upstreams: list[int], root: Path) -> str:
    """deploy/nginx/forum.conf with test ports, host name, certificate paths, static folder and upstreams;
    the IPv6 listeners dropped (a test machine may have no ::1), X-Forwarded-Host with the port.
    Everything else as shipped."""
    conf = SITE.read_text()
    conf = replace_once(conf, "    server 127.0.0.1:8000;\n",
                        "".join(f"    server 127.0.0.1:{port};\n" for port in upstreams))
    conf = "".join(line for line in conf.splitlines(keepends=True) if "listen [::]" not in line)
    conf = replace_once(conf, "listen 80 default_server;", f"listen 127.0.0.1:{http_port} default_server;")
    conf = replace_once(conf, "listen 80;", f"listen 127.0.0.1:{http_port};")
    conf = replace_once(conf, "listen 443 ssl default_server;", f"listen 127.0.0.1:{https_port} ssl default_server;")
    conf = replace_once(conf, "listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    conf = replace_once(conf, "return 301 https://forum.braunschweig.example$request_uri;",
                        f"return 301 https://{HOST}:{https_port}$request_uri;")
    conf = replace_once(conf, "forum.braunschweig.example", HOST)
    conf = replace_once(conf, "/etc/ssl/forum/", f"{root}/tls/")
    conf = replace_once(conf, "/var/www/acme", f"{root}/acme")
    conf = replace_once(conf, "/opt/forum/app/static/", f"{ROOT}/static/")
    # The one change of meaning: nginx's $host has no port, which on 443 is right; on a test port the
    # forum must hear it too (sessions' CSRF check compares the Referer's port with the host's).
    conf = replace_once(conf, "proxy_set_header X-Forwarded-Host $host;", "proxy_set_header X-Forwarded-Host $http_host;")
    return conf


def main_config(root: Path, site: Path, nginx_address: str) -> str:
    """A whole nginx.conf around the site: everything under `root`, in the foreground; nginx reaches
    the forum from `nginx_address`, so the forum can tell nginx's address from the client's."""
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}daemon off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log info;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {root}/access.log;
    client_body_temp_path {root}/tmp/body;
    proxy_temp_path {root}/tmp/proxy;
    fastcgi_temp_path {root}/tmp/fastcgi;
    uwsgi_temp_path {root}/tmp/uwsgi;
    scgi_temp_path {root}/tmp/scgi;
    proxy_bind {nginx_address};
    include {site};
}}
"""


def make_certificate(folder: Path) -> None:
    """A self-signed certificate for HOST and RFC 7919's DH group, as the shipped config expects."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "2", "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}",
                    "-keyout", str(folder / "privkey.pem"), "-out", str(folder / "fullchain.pem")],
                   check=True, capture_output=True, timeout=60)
    subprocess.run(["openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048",
                    "-out", str(folder / "dhparam.pem")], check=True, capture_output=True, timeout=60)


class Nginx:
    def __init__(self, root: Path, *, http_port: int, https_port: int, upstreams: list[int], nginx_address: str):
        self.root = root
        for sub in ("tmp", "acme", "tls"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        make_certificate(root / "tls")
        site = root / "forum.conf"
        site.write_text(site_config(http_port=http_port, https_port=https_port, upstreams=upstreams, root=root))
        self.conf = root / "nginx.conf"
        self.conf.write_text(main_config(root, site, nginx_address))
        self.process: subprocess.Popen | None = None

    def test_config(self) -> subprocess.CompletedProcess:
        return subprocess.run([NGINX, "-t", "-c", str(self.conf), "-p", str(self.root)], capture_output=True,
                              text=True, timeout=30)

    def start(self) -> None:
        checked = self.test_config()
        assert checked.returncode == 0, checked.stderr
        self.process = subprocess.Popen([NGINX, "-c", str(self.conf), "-p", str(self.root)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: nginx's fast shutdown
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def error_log(self) -> str:
        path = self.root / "error.log"
        return path.read_text()[-3000:] if path.exists() else ""


class SmtpSink(socketserver.ThreadingTCPServer):
    """Just enough SMTP for smtplib without login: every mail's text lands in `mails`."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int):
        self.mails: list[str] = []
        super().__init__(("127.0.0.1", port), _SmtpHandler)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class _SmtpHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 sink ESMTP")
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 sink")
            elif command == "DATA":
                self.reply("354 go on")
                lines = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(chunk.decode("utf-8", errors="replace"))
                self.server.mails.append("".join(lines))
                self.reply("250 queued")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:  # MAIL FROM, RCPT TO, RSET, NOOP
                self.reply("250 ok")


def https_from(address: str, port: int, method: str, path: str, body: str | None = None,
               headers: dict | None = None) -> tuple[int, str]:
    """One HTTPS request to nginx that leaves from `address` (127.x.y.z): a client of its own."""
    import http.client
    import ssl

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    connection = http.client.HTTPSConnection(HOST, port, timeout=15, context=context, source_address=(address, 0))
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", errors="replace")
    finally:
        connection.close()
