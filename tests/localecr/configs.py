"""Configuration files of the registry, its nginx front, the hosts file and the TLS certs."""

from __future__ import annotations

from pathlib import Path

from .procs import run

ACCOUNT = "123456789012"
SECOND_ACCOUNT = "210987654321"
SECOND_ACCOUNT_REGION = "eu-west-1"
FIPS_REGION = "us-east-1"
REPOSITORY = "demo/hello"
TAG = "1"


def ecr_host(region: str, account: str = ACCOUNT, fips: bool = False) -> str:
    service = "ecr-fips" if fips else "ecr"
    return f"{account}.dkr.{service}.{region}.amazonaws.com"


def all_hosts(regions: list[str]) -> list[str]:
    hosts = [ecr_host(r) for r in regions]
    hosts.append(ecr_host(SECOND_ACCOUNT_REGION, SECOND_ACCOUNT))
    hosts.append(ecr_host(FIPS_REGION, fips=True))
    return hosts


def registry_yml(storage: Path, port: int) -> str:
    # No auth here: the registry listens on a private loopback port and nginx in front
    # checks the whole password (distribution's htpasswd is bcrypt, which reads 72 bytes).
    return f"""version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: {storage}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:{port}
  relativeurls: true
"""


def nginx_conf(workdir: Path, address: str, hosts: list[str], registry_port: int) -> str:
    nginx = workdir / "nginx"
    auth = workdir / "auth"
    temp = "\n".join(
        f"  {kind}_temp_path {nginx / 'tmp' / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""daemon off;
master_process on;
worker_processes 1;
# The password files live in a 0700 temp dir; workers must be able to read them.
user root;
pid {nginx / "nginx.pid"};
error_log {nginx / "error.log"} warn;
events {{ worker_connections 512; }}
http {{
  # One line per request, for tests: host, method and path, status, user.
  log_format localecr '$host $request_method $uri $status $remote_user';
  access_log {nginx / "access.log"} localecr;
{temp}
  client_max_body_size 0;
  server_names_hash_bucket_size 128;
  ssl_certificate {workdir / "certs" / "server.crt"};
  ssl_certificate_key {workdir / "certs" / "server.key"};

  # A token is issued per region and opens every registry host of that region.
  map $host $ecr_region {{
    "~^[0-9]{{12}}\\.dkr\\.ecr(-fips)?\\.(?<r>[a-z0-9-]+)\\.amazonaws\\.com$" $r;
    default none;
  }}
  # Which issued password the client claims to have: 32 characters of the base64 text
  # (see motoserver.token_key). The password itself is then checked in full (SHA-1).
  map $http_authorization $token_key {{
    "~^Basic [A-Za-z0-9+/]{{8}}(?<k>[A-Za-z0-9+]{{32}})" $k;
    default "";
  }}

  server {{
    listen {address}:443 ssl default_server;
    listen {address}:80 default_server;
    server_name _;
    return 404;
  }}

  server {{
    listen {address}:443 ssl;
    # dockerd treats 127/8 as insecure and retries over plain HTTP after an HTTPS error;
    # answer there the same way, so that the error it reports is the registry's 401.
    listen {address}:80;
    server_name {" ".join(hosts)};
    location /v2/ {{
      # An empty user file: nginx answers 401 with a Basic challenge, as for a bad password.
      set $auth_file {auth / "issued"}/$ecr_region/$token_key;
      if (!-f $auth_file) {{ set $auth_file {auth / "none"}; }}
      if (-f {auth / "rejecting"}) {{ set $auth_file {auth / "none"}; }}
      auth_basic "{hosts[0]}";
      auth_basic_user_file $auth_file;
      proxy_pass http://127.0.0.1:{registry_port};
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-Proto https;
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_read_timeout 120s;
    }}
    location / {{ return 404; }}
  }}
}}
"""


def hosts_file(address: str, hosts: list[str]) -> str:
    # The machine's own entries first, so localhost etc. still resolve inside the namespace.
    try:
        base = Path("/etc/hosts").read_text()
    except OSError:
        base = "127.0.0.1 localhost\n"
    if not base.endswith("\n"):
        base += "\n"
    return base + "# local ECR\n" + "".join(f"{address} {h}\n" for h in hosts)


def make_certs(certs: Path, hosts: list[str]) -> None:
    """A throw-away CA and a server certificate for every host (for skopeo's --cert-dir)."""
    certs.mkdir(parents=True, exist_ok=True)
    ca_dir = certs / "ca"
    ca_dir.mkdir(exist_ok=True)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    run(
        [
            "openssl",
            "req",
            "-x509",
            *ec,
            "-days",
            "2",
            "-subj",
            "/CN=localecr test CA",
            "-keyout",
            str(certs / "ca.key"),
            "-out",
            str(ca_dir / "ca.crt"),
        ]
    )
    run(
        [
            "openssl",
            "req",
            *ec,
            "-subj",
            "/CN=localecr registry",
            "-keyout",
            str(certs / "server.key"),
            "-out",
            str(certs / "server.csr"),
        ]
    )
    ext = certs / "server.ext"
    ext.write_text(
        "basicConstraints=CA:FALSE\n"
        "keyUsage=digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectAltName=" + ",".join(f"DNS:{h}" for h in hosts) + "\n"
    )
    run(
        [
            "openssl",
            "x509",
            "-req",
            "-in",
            str(certs / "server.csr"),
            "-days",
            "2",
            "-CA",
            str(ca_dir / "ca.crt"),
            "-CAkey",
            str(certs / "ca.key"),
            "-CAcreateserial",
            "-extfile",
            str(ext),
            "-out",
            str(certs / "server.crt"),
        ]
    )
